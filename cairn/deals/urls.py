"""Partner pages under /deals/ and vendor console pages under /console/deals/."""

from django.urls import path

from cairn.deals import views, views_extensions, views_import, views_pipeline

app_name = "deals"
urlpatterns = [
    path("deals/", views.registration_list, name="registration_list"),
    path("deals/new/", views.registration_create, name="registration_create"),
    path("deals/pipeline/", views_pipeline.pipeline, name="pipeline"),
    path(
        "deals/pipeline/export.csv",
        views_pipeline.pipeline_export,
        name="pipeline_export",
    ),
    path(
        "deals/pipeline/<int:pk>/stage/",
        views_pipeline.pipeline_stage,
        name="pipeline_stage",
    ),
    path("deals/<int:pk>/", views.registration_detail, name="registration_detail"),
    path("deals/<int:pk>/edit/", views.registration_update, name="registration_update"),
    path(
        "deals/<int:pk>/submit/",
        views.registration_submit,
        name="registration_submit",
    ),
    path("deals/<int:pk>/stage/", views.registration_stage, name="registration_stage"),
    path(
        "deals/conflicts/<int:pk>/appeal/",
        views.conflict_appeal,
        name="conflict_appeal",
    ),
    path(
        "deals/<int:pk>/attachments/",
        views_extensions.attachment_add,
        name="attachment_add",
    ),
    path(
        "deals/attachments/<int:pk>/",
        views_extensions.attachment_download,
        name="attachment_download",
    ),
    path(
        "deals/attachments/<int:pk>/delete/",
        views_extensions.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "deals/<int:pk>/extension/",
        views_extensions.extension_request,
        name="extension_request",
    ),
    path("console/deals/", views.review_queue, name="review_queue"),
    path(
        "console/deals/extensions/<int:pk>/decide/",
        views_extensions.extension_decide,
        name="extension_decide",
    ),
    path(
        "console/deals/programs/",
        views_extensions.program_settings_list,
        name="program_settings_list",
    ),
    path(
        "console/deals/programs/<int:pk>/",
        views_extensions.program_settings,
        name="program_settings",
    ),
    path(
        "console/deals/pipeline/",
        views_pipeline.console_pipeline,
        name="console_pipeline",
    ),
    path(
        "console/deals/pipeline/export.csv",
        views_pipeline.console_pipeline_export,
        name="console_pipeline_export",
    ),
    path(
        "console/deals/service-levels/",
        views_pipeline.service_levels,
        name="service_levels",
    ),
    path("console/deals/velocity/", views_pipeline.velocity, name="velocity"),
    path("deals/import/", views_import.registration_import, name="registration_import"),
    path(
        "deals/import/template.csv",
        views_import.registration_import_template,
        name="registration_import_template",
    ),
    path(
        "deals/import/<int:pk>/",
        views_import.registration_import_run,
        name="registration_import_run",
    ),
    path(
        "deals/import/<int:pk>/commit/",
        views_import.registration_import_commit,
        name="registration_import_commit",
    ),
    path(
        "deals/import/<int:pk>/report.csv",
        views_import.registration_import_report,
        name="registration_import_report",
    ),
    path(
        "console/deals/direct-import/",
        views_import.direct_import,
        name="direct_import",
    ),
    path(
        "console/deals/direct-import/template.csv",
        views_import.direct_import_template,
        name="direct_import_template",
    ),
    path(
        "console/deals/direct-import/<int:pk>/",
        views_import.direct_import_run,
        name="direct_import_run",
    ),
    path(
        "console/deals/direct-import/<int:pk>/commit/",
        views_import.direct_import_commit,
        name="direct_import_commit",
    ),
    path(
        "console/deals/direct-import/<int:pk>/report.csv",
        views_import.direct_import_report,
        name="direct_import_report",
    ),
    path("console/deals/<int:pk>/", views.review_detail, name="review_detail"),
    path("console/deals/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path(
        "console/deals/conflicts/<int:pk>/resolve/",
        views.conflict_resolve,
        name="conflict_resolve",
    ),
]
