app_name = "cooperatives"
urlpatterns: list[object] = []
