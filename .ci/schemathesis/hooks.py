"""Schemathesis hooks for the reactor's contract run (.ci/schemathesis/run).

The reactor's two security schemes are supplied as Schemathesis auth
providers, so that the fuzzer knows them for what they are (its ignored_auth
check then removes or spoils them on purpose and expects a 401):

- /v1/signups: the bearer token the app backend presents;
- /webhooks/hubspot: a v3 signature, computed as HubSpot computes it for a
  delivery (base64 HMAC-SHA256 of method, URL, body and a millisecond
  timestamp, keyed with the app's client secret) over the exact bytes the
  fuzzer sends, so that generated batches reach past the signature check.
"""

import base64
import hashlib
import hmac
import os
import time

import requests
import schemathesis

CLIENT_SECRET = os.environ["CONTRACT_CLIENT_SECRET"]
SIGNUP_TOKEN = os.environ["CONTRACT_SIGNUP_TOKEN"]


@schemathesis.auth().apply_to(path="/v1/signups")
class SignupToken:
    def get(self, case, context):
        return SIGNUP_TOKEN

    def set(self, case, data, context):
        case.headers = case.headers or {}
        case.headers["Authorization"] = f"Bearer {data}"


def _exact_request(case):
    """The URL and body bytes exactly as Schemathesis will send them."""
    kwargs = case.as_transport_kwargs()
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        headers=kwargs.get("headers"),
        params=kwargs.get("params"),
        data=kwargs.get("data"),
        json=kwargs.get("json"),
    ).prepare()
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    return prepared.url, body


@schemathesis.auth().apply_to(path="/webhooks/hubspot")
class HubSpotSignatureV3:
    def get(self, case, context):
        return CLIENT_SECRET

    def set(self, case, data, context):
        case.headers = case.headers or {}
        # A generated legacy signature must not stand beside the v3 one.
        for legacy in ("X-HubSpot-Signature", "X-HubSpot-Signature-Version"):
            case.headers.pop(legacy, None)
        url, body = _exact_request(case)
        timestamp = str(int(time.time() * 1000))
        # The webhook URL has no percent-escapes, so HubSpot's v3 URI decoding
        # leaves it as it is.
        message = case.method.upper().encode() + url.encode() + body + timestamp.encode()
        digest = hmac.new(data.encode(), message, hashlib.sha256).digest()
        case.headers["X-HubSpot-Signature-v3"] = base64.b64encode(digest).decode()
        case.headers["X-HubSpot-Request-Timestamp"] = timestamp
