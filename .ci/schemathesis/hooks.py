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


FORM_FIELDS = ("firstname", "lastname", "company")


def _stable(text, modulo):
    return int(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(), 16) % modulo


@schemathesis.hook
def map_case(context, case):
    """Steers half of the valid signups towards ones HubSpot takes.

    Random strings rarely make an address, an IP or a URL, and the simulated
    form has only email, firstname, lastname and company, so most generated
    signups would end in 422 and the accepted path would go almost untried.
    Only valid (positive) cases are changed, and only into other valid ones:
    a string replaced by another string its schema allows, a field dropped
    (none is required), an alias given up for its name. Invalid cases are
    sent as generated.
    """
    if case.path != "/v1/signups" or not isinstance(case.body, dict):
        return case
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return case
    body = dict(case.body)
    if not isinstance(body.get("email"), str) or _stable(repr(body), 2):
        return case
    body["email"] = "fuzz%d@example.com" % _stable(body["email"], 10**9)
    if isinstance(body.get("fields"), dict):
        body["fields"] = {k: v for k, v in body["fields"].items() if k in FORM_FIELDS}
    if isinstance(body.get("context"), dict):
        context = dict(body["context"])
        if isinstance(context.get("ipAddress"), str):
            context["ipAddress"] = "203.0.113.7"
        for key in ("pageUri", "pageUrl"):
            if isinstance(context.get(key), str):
                context[key] = "https://app.example.com/signup"
        if isinstance(context.get("hutk"), str) and isinstance(context.get("hubspotutk"), str):
            del context["hubspotutk"]
        if isinstance(context.get("pageUri"), str) and isinstance(context.get("pageUrl"), str):
            del context["pageUrl"]
        body["context"] = context
    case.body = body
    # A key the fuzzer drew is often one it drew before, for another body
    # (the documented 422); a steered signup gets a key of its own body, so
    # that only a true repeat is answered from the first.
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key":
            headers[name] = "fuzz-%d" % _stable(repr(sorted(body.items(), key=str)), 10**12)
    return case
