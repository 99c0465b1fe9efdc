app_name = "deals"
urlpatterns: list = []  # type: ignore[type-arg]
