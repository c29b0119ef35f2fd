from django.urls import path

from . import directory_views, ledger_views, views

app_name = "cooperatives"
urlpatterns = [
    # The directory of cooperatives and each cooperative's page (directory_views.py).
    path("cooperatives/", directory_views.directory, name="directory"),
    path("cooperatives/<slug:slug>/", directory_views.cooperative_detail, name="detail"),
    # Buying rounds: the round page with its order form, and the page after ordering.
    path("rounds/<slug:slug>/", views.round_detail, name="round"),
    path("rounds/<slug:slug>/order/", views.round_order, name="round-order"),
    path("rounds/<slug:slug>/ordered/<str:token>/", views.round_ordered, name="ordered"),
    # The round's public ledger (ledger_views.py).
    path("rounds/<slug:slug>/ledger/", ledger_views.round_ledger, name="round-ledger"),
    # The buyer's private order page, from the emailed link.
    path("orders/<str:token>/", views.order_page, name="order"),
    path("orders/<str:token>/cancel/", views.order_cancel_view, name="order-cancel"),
    # Paying a card order on Stripe's page (card.py), and coming back from it.
    path("orders/<str:token>/card/", views.order_card_pay, name="order-card"),
    path(
        "rounds/<slug:slug>/ordered/<str:token>/card/", views.ordered_card_pay, name="ordered-card"
    ),
    path("card/back/<str:token>/", views.card_return, name="card-return"),
    # A person's orders, beside their own data page (supporters.access).
    path("my/orders/", views.my_orders, name="my-orders"),
    path("my/orders/<int:pk>/cancel/", views.my_order_cancel, name="my-order-cancel"),
]
