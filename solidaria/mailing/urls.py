from django.urls import path

from . import views

app_name = "mailing"

# Outside the language prefixes: the page speaks the recipient's language.
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
