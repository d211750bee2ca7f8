from django.urls import path

from . import authenticator_views, session_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign_in"),
    path("two-factor/setup/", views.setup, name="two_factor_setup"),
    path("two-factor/verify/", views.verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("two-factor/replace/", authenticator_views.replace, name="two_factor_replace"),
    path("session/", session_views.session_status, name="session_status"),
    path("session/stay-signed-in/", session_views.stay_signed_in, name="stay_signed_in"),
    path("signed-out/", session_views.signed_out, name="signed_out"),
]
