"""Pages of the CSV imports: partners import registrations under /deals/import/,
vendor admins the direct pipeline under /console/deals/direct-import/.

Upload, then a report (nothing written yet), then the person chooses how to import
(the good rows only, or nothing unless every row is valid) and sees what was done.
An import is seen only by the person who uploaded it: anyone else gets not-found.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cairn.core.portal import add_service_errors, policy_required
from cairn.deals import policies_import, selectors_import, selectors_portal
from cairn.deals.forms_import import CommitForm, UploadForm
from cairn.deals.imports import report as import_report
from cairn.deals.imports.columns import DIRECT_COLUMNS, REGISTRATION_COLUMNS, Column
from cairn.deals.imports.reader import MAX_FILE_BYTES, MAX_ROWS
from cairn.deals.models_import import ImportKind, ImportMode, ImportRun, ImportStatus
from cairn.deals.services import imports

registration_import_page = policy_required(policies_import.can_import_registrations)
direct_import_page = policy_required(policies_import.can_import_direct_pipeline)
ISSUES_SHOWN = 500
# A file with more good rows than this is written by a background task: thousands of
# registrations, each validated and matched, take minutes.
BACKGROUND_ROWS = 200


@dataclass(frozen=True)
class Flavour:
    """What differs between the two imports' pages."""

    kind: str
    title: str
    columns: tuple[Column, ...]
    url_prefix: str
    nav: str
    template_name: str
    results_url: str


REGISTRATIONS = Flavour(
    kind=ImportKind.REGISTRATIONS,
    title="Import deal registrations",
    columns=REGISTRATION_COLUMNS,
    url_prefix="deals:registration_import",
    nav="deals",
    template_name="deal-registrations-template.csv",
    results_url="deals:registration_list",
)
DIRECT = Flavour(
    kind=ImportKind.DIRECT_PIPELINE,
    title="Import the direct pipeline",
    columns=DIRECT_COLUMNS,
    url_prefix="deals:direct_import",
    nav="deal_reviews",
    template_name="direct-pipeline-template.csv",
    results_url="deals:review_queue",
)


def _csv_response(content: str, file_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _upload(request: HttpRequest, flavour: Flavour, programs: Any) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        file_name, data = form.file_data()
        try:
            if flavour.kind == ImportKind.REGISTRATIONS:
                run = imports.validate_registrations_import(
                    actor=request.user,
                    program=form.cleaned_data["program"],
                    file_name=file_name,
                    data=data,
                )
            else:
                run = imports.validate_direct_import(
                    actor=request.user, file_name=file_name, data=data
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(f"{flavour.url_prefix}_run", run.pk)
    return render(
        request,
        "deals/import_upload.html",
        {
            "form": form,
            "flavour": flavour,
            "columns": flavour.columns,
            "runs": selectors_import.list_import_runs_for(request.user, flavour.kind)[
                : selectors_import.RECENT_IMPORTS
            ],
            "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
            "max_rows": MAX_ROWS,
            "nav": flavour.nav,
        },
    )


def _run_page(
    request: HttpRequest, flavour: Flavour, run: ImportRun, form: CommitForm | None
) -> HttpResponse:
    return render(
        request,
        "deals/import_run.html",
        {
            "run": run,
            "flavour": flavour,
            "issues": run.issues[:ISSUES_SHOWN],
            "more_issues": max(0, len(run.issues) - ISSUES_SHOWN),
            "can_commit": policies_import.can_commit_import(request.user, run),
            "form": form or CommitForm(),
            "keep_good": ImportMode.KEEP_GOOD,
            "all_or_nothing": ImportMode.ALL_OR_NOTHING,
            "is_validated": run.status == ImportStatus.VALIDATED,
            "is_importing": run.status == ImportStatus.IMPORTING,
            "nav": flavour.nav,
        },
    )


def _commit(request: HttpRequest, flavour: Flavour, pk: int) -> HttpResponse:
    run = selectors_import.access_import_run(request.user, pk, flavour.kind)
    form = CommitForm(request.POST)
    if form.is_valid():
        commit = (
            imports.queue_import
            if run.valid_rows > BACKGROUND_ROWS
            else imports.commit_import
        )
        try:
            run = commit(run, actor=request.user, mode=form.cleaned_data["mode"])
        except ValidationError as error:
            add_service_errors(form, error)
            return _run_page(request, flavour, run, form)
        if run.status == ImportStatus.IMPORTING:
            messages.info(request, "The file is being imported.")
        elif run.status == ImportStatus.IMPORTED:
            messages.success(request, "The file was imported.")
        else:
            messages.warning(request, "Nothing was imported.")
        return redirect(f"{flavour.url_prefix}_run", run.pk)
    return _run_page(request, flavour, run, form)


def _report(request: HttpRequest, flavour: Flavour, pk: int) -> HttpResponse:
    run = selectors_import.access_import_run(request.user, pk, flavour.kind)
    stem = run.file_name.rsplit(".", 1)[0] or "import"
    safe_stem = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)[:80]
    return _csv_response(
        import_report.report_csv(selectors_import.report_lines(run)),
        f"{safe_stem}-report.csv",
    )


# Partner portal: registrations


@registration_import_page
def registration_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file of registrations and see its report before importing."""
    programs = selectors_portal.programs_to_register_in(request.user)
    return _upload(request, REGISTRATIONS, programs)


@registration_import_page
def registration_import_template(request: HttpRequest) -> HttpResponse:
    """Download the template of a registrations file."""
    return _csv_response(
        import_report.template_csv(REGISTRATION_COLUMNS), REGISTRATIONS.template_name
    )


@registration_import_page
def registration_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Show an import's report, and how to import it if not done yet."""
    run = selectors_import.access_import_run(request.user, pk, REGISTRATIONS.kind)
    return _run_page(request, REGISTRATIONS, run, None)


@registration_import_page
@require_POST
def registration_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a validated file's rows, as the person chose."""
    return _commit(request, REGISTRATIONS, pk)


@registration_import_page
def registration_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Download an import's report as CSV."""
    return _report(request, REGISTRATIONS, pk)


# Vendor console: the direct pipeline


@direct_import_page
def direct_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV file of the direct pipeline and see its report before importing."""
    return _upload(request, DIRECT, None)


@direct_import_page
def direct_import_template(request: HttpRequest) -> HttpResponse:
    """Download the template of a direct pipeline file."""
    return _csv_response(
        import_report.template_csv(DIRECT_COLUMNS), DIRECT.template_name
    )


@direct_import_page
def direct_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a direct pipeline import's report, and how to import it."""
    run = selectors_import.access_import_run(request.user, pk, DIRECT.kind)
    return _run_page(request, DIRECT, run, None)


@direct_import_page
@require_POST
def direct_import_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Import a validated direct pipeline file's rows, as the person chose."""
    return _commit(request, DIRECT, pk)


@direct_import_page
def direct_import_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Download a direct pipeline import's report as CSV."""
    return _report(request, DIRECT, pk)
