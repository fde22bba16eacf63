"""Cloud fronts for FakeAnthropic: Amazon Bedrock, Google Vertex AI and Microsoft Foundry.

Each checks what that service checks before a model sees a request (the path, the
credential's shape and, for Bedrock, the SigV4 signature itself, recomputed with
botocore from the request as received), rewrites the request into a plain Messages
request and lets FakeAnthropic's script answer it. Errors are sent the way the service
sends them (Bedrock: ``x-amzn-ErrorType`` and ``{"message"}``; Vertex: Google's
``{"error": {"code", "message", "status"}}``); Bedrock streams in AWS event-stream frames.
"""

from __future__ import annotations

import json
import re
from typing import Any, BinaryIO
from urllib.parse import unquote

from . import eventstream
from .anthropic_server import FakeAnthropicHandler, RecordedRequest
from .anthropic_steps import Fault

_SIGV4 = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[A-Z0-9]{16,128})/(?P<date>\d{8})/"
    r"(?P<region>[a-z0-9-]+)/bedrock/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<sig>[0-9a-f]{64})$"
)
_AMZ_DATE = re.compile(r"^(?P<date>\d{8})T\d{6}Z$")
_BEDROCK_PATH = re.compile(r"^/model/(?P<model>[^/]+)/(?P<op>invoke|invoke-with-response-stream)$")
_VERTEX_PATH = re.compile(
    r"^/v1/projects/(?P<project>[^/]+)/locations/(?P<region>[^/]+)/publishers/anthropic/models/"
    r"(?P<model>[^/:]+):(?P<spec>rawPredict|streamRawPredict)$"
)
_BEDROCK_ERRORS = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
    529: "ServiceUnavailableException",
}
_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
    529: "UNAVAILABLE",
}


class _CloudHandler(FakeAnthropicHandler):
    """Shared: turn an accepted cloud request into ``/v1/messages`` for the script."""

    def _as_messages(self, req: RecordedRequest, body: dict[str, Any]) -> None:
        # The version travels in the body, not in a header (its value is the SDK's to choose).
        if not isinstance(body.get("anthropic_version"), str) or not body["anthropic_version"]:
            self._fault(req, Fault(400, "invalid_request_error", "anthropic_version is required"))
            return
        req.cloud_path, req.path, req.body = req.path, "/v1/messages", body
        self._messages(req, body)

    def _body(self, req: RecordedRequest, raw: bytes) -> dict[str, Any] | None:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self._fault(req, Fault(400, "invalid_request_error", "the body is not a JSON object"))
            return None
        if "model" in body:
            self._fault(req, Fault(400, "invalid_request_error", "model belongs in the path"))
            return None
        return body


class BedrockHandler(_CloudHandler):
    server_version = "FakeBedrock/1.0"

    def _handle(self, req: RecordedRequest, raw: bytes) -> None:
        match = _BEDROCK_PATH.match(req.path)
        if self.command != "POST" or match is None:
            self._fault(req, Fault(404, "not_found_error", f"UnknownOperation {req.path}"))
            return
        problem = self._sigv4_problem(raw)
        if problem:
            req.step = "auth"
            self._fault(req, Fault(403, "permission_error", problem))
            return
        req.auth = "sigv4"
        body = self._body(req, raw)
        if body is None:
            return
        if "stream" in body:
            self._fault(req, Fault(400, "invalid_request_error", "stream is said by the path"))
            return
        body["model"] = unquote(match["model"])
        body["stream"] = match["op"] == "invoke-with-response-stream"
        self._as_messages(req, body)

    def _sigv4_problem(self, raw: bytes) -> str:
        from botocore.auth import SigV4Auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials

        fake = self.fake
        match = _SIGV4.match(self.headers.get("authorization", ""))
        if match is None:
            return "the Authorization header is not AWS4-HMAC-SHA256 for bedrock"
        stamp = _AMZ_DATE.match(self.headers.get("x-amz-date", ""))
        if stamp is None or stamp["date"] != match["date"]:
            return "x-amz-date is missing or not the credential's date"
        if match["key"] != fake.access_key or match["region"] != fake.region:  # type: ignore[attr-defined]
            return "The security token included in the request is invalid (key or region)"
        signed = match["signed"].split(";")
        token = self.headers.get("x-amz-security-token")
        if fake.session_token and (
            token != fake.session_token or "x-amz-security-token" not in signed
        ):  # type: ignore[attr-defined]
            return "the session token is missing, wrong or not signed"
        if not {"host", "x-amz-date"} <= set(signed):
            return "host and x-amz-date must be signed"
        request = AWSRequest(
            method=self.command,
            url=f"http://{self.headers['host']}{self.path}",
            headers={h: self.headers.get(h, "") for h in signed},
            data=raw,
        )
        request.context["timestamp"] = self.headers["x-amz-date"]
        creds = Credentials(fake.access_key, fake.secret_key, fake.session_token)  # type: ignore[attr-defined]
        auth = SigV4Auth(creds, "bedrock", fake.region)  # type: ignore[attr-defined]
        expected = auth.signature(
            auth.string_to_sign(request, auth.canonical_request(request)), request
        )
        if expected != match["sig"]:
            return "The request signature we calculated does not match the signature you provided"
        return ""

    def _fault(self, req: RecordedRequest, fault: Fault) -> None:
        kind = _BEDROCK_ERRORS.get(fault.status, "InternalServerException")
        headers = {**fault.headers, "x-amzn-ErrorType": f"{kind}:http://internal.amazon.com/coral/"}
        payload = json.dumps({"message": fault.message}).encode()
        self._send(req, fault.status, payload, "application/json", headers)

    def _start_stream(self, req: RecordedRequest) -> None:
        req.status = 200
        self.send_response(200)
        self.send_header("content-type", "application/vnd.amazon.eventstream")
        self.send_header("x-amzn-bedrock-content-type", "application/json")
        self.send_header("connection", "close")
        self.end_headers()
        self.close_connection = True
        self.wfile = _Frames(self.wfile)  # type: ignore[assignment]


class _Frames:
    """Writes the SSE events the fake renders as event-stream frames."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw, self.pending = raw, b""

    def write(self, data: bytes) -> int:
        frames, self.pending = eventstream.sse_to_frames(self.pending + data)
        if frames:
            self.raw.write(frames)
        return len(data)

    def flush(self) -> None:
        self.raw.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)


class VertexHandler(_CloudHandler):
    server_version = "FakeVertex/1.0"

    def _handle(self, req: RecordedRequest, raw: bytes) -> None:
        fake = self.fake
        match = _VERTEX_PATH.match(req.path)
        if self.command != "POST" or match is None:
            self._fault(req, Fault(404, "not_found_error", f"no route for {req.path}"))
            return
        if self.headers.get("authorization", "") != f"Bearer {fake.access_token}":  # type: ignore[attr-defined]
            req.step = "auth"
            self._fault(req, Fault(401, "authentication_error", "Request had invalid credentials"))
            return
        req.auth = "bearer"
        if (match["project"], match["region"]) != (fake.project, fake.region):  # type: ignore[attr-defined]
            self._fault(req, Fault(403, "permission_error", "project or location not enabled"))
            return
        body = self._body(req, raw)
        if body is None:
            return
        if bool(body.get("stream")) != (match["spec"] == "streamRawPredict"):
            self._fault(req, Fault(400, "invalid_request_error", "stream and the method disagree"))
            return
        body["model"] = match["model"]
        self._as_messages(req, body)

    def _fault(self, req: RecordedRequest, fault: Fault) -> None:
        if fault.status not in (401, 403, 429, 500, 503):  # the model's own errors: Anthropic's
            super()._fault(req, fault)
            return
        status = _GOOGLE_STATUS.get(fault.status, "INTERNAL")
        payload = json.dumps(
            {"error": {"code": fault.status, "message": fault.message, "status": status}}
        )
        self._send(req, fault.status, payload.encode(), "application/json", fault.headers)


class FoundryHandler(FakeAnthropicHandler):
    """Foundry serves the Messages API under ``/anthropic`` and checks ``x-api-key``."""

    server_version = "FakeFoundry/1.0"

    def _handle(self, req: RecordedRequest, raw: bytes) -> None:
        if not req.path.startswith("/anthropic/v1/"):
            self._fault(req, Fault(404, "not_found_error", f"no route for {req.path}"))
            return
        req.cloud_path, req.path = req.path, req.path[len("/anthropic") :]
        req.auth = "api-key"
        super()._handle(req, raw)
