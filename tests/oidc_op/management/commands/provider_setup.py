from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oidc_provider.models import Client, ResponseType


class Command(BaseCommand):
    help = "Register the app under test as a client and create the provider's accounts."

    def add_arguments(self, parser):
        parser.add_argument("client_id")
        parser.add_argument("client_secret")
        parser.add_argument("redirect_uri")
        parser.add_argument("password")
        parser.add_argument("people", nargs="*")
        parser.add_argument("--post-logout-redirect-uri", default="")

    def handle(
        self, *args, client_id, client_secret, redirect_uri, password, people, post_logout_redirect_uri, **options
    ):
        client = Client.objects.create(
            name="fazhi",
            client_type="confidential",
            client_id=client_id,
            client_secret=client_secret,
            jwt_alg="RS256",
            require_consent=False,
            reuse_consent=True,
            _redirect_uris=redirect_uri,
            # Where the provider's end-session endpoint may send the person back (our login page).
            _post_logout_redirect_uris=post_logout_redirect_uri,
        )
        client.response_types.add(ResponseType.objects.get(value="code"))
        for name in people:
            get_user_model().objects.create_user(username=name, password=password)
