"""HTTP to the portal, with every failure turned into a message for the person at the keyboard.

Network trouble and server errors become `PortalUnavailable` (exit 3); 401/403 become
`TokenRefused`; answers that do not look like the portal's protocol become `PortalUnavailable`
saying so, because a captive portal or a wrong URL is the likely cause.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from workstation.sync.errors import PortalUnavailable, TokenRefused

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


class PortalHttp:
    def __init__(
        self,
        base_url: str,
        token: str | None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._token = token
        self._client = httpx.Client(timeout=timeout, transport=transport, follow_redirects=False)

    def close(self) -> None:
        self._client.close()

    def url(self, path: str) -> str:
        return urljoin(self.base_url + "/", path.lstrip("/"))

    def same_origin(self, url: str) -> str:
        """The absolute form of a URL the portal gave us, refused when it points elsewhere:
        the station's token must never be sent to another host."""
        absolute = urljoin(self.base_url + "/", url)
        ours, theirs = urlsplit(self.base_url), urlsplit(absolute)
        if (theirs.scheme, theirs.netloc) != (ours.scheme, ours.netloc):
            raise self.not_the_protocol(f"it pointed the upload at another server ({absolute})")
        return absolute

    def request(
        self,
        method: str,
        url: str,
        *,
        expected: Collection[int],
        headers: Mapping[str, str] | None = None,
        authenticated: bool = True,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send and return the response when its status is expected (or a 4xx the caller handles)."""
        all_headers = dict(headers or {})
        if authenticated and self._token:
            all_headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = self._client.request(method, url, headers=all_headers, **kwargs)
        except httpx.TimeoutException as error:
            raise self.unreachable(f"no answer in time ({type(error).__name__})") from error
        except httpx.TransportError as error:
            raise self.unreachable(str(error) or type(error).__name__) from error
        if response.status_code in expected:
            return response
        if authenticated and response.status_code in (401, 403):
            raise TokenRefused(
                f"the portal at {self.base_url} refused this station's token ({detail_of(response)}); "
                "enrol the station again with a new code"
            )
        if response.status_code >= 500:
            raise PortalUnavailable(
                f"the portal at {self.base_url} failed (HTTP {response.status_code}: {detail_of(response)}); "
                "try again later"
            )
        raise self.not_the_protocol(f"HTTP {response.status_code} to {method} {url}: {detail_of(response)}")

    def json_object(self, response: httpx.Response, required: Collection[str]) -> dict[str, Any]:
        """The response's JSON object, which must have the required keys."""
        try:
            body = response.json()
        except ValueError as error:
            raise self.not_the_protocol(f"expected JSON, got {_content_kind(response)}") from error
        if not isinstance(body, dict) or not set(required) <= body.keys():
            raise self.not_the_protocol(f"expected a JSON object with {', '.join(sorted(required))}")
        return body

    def unreachable(self, reason: str) -> PortalUnavailable:
        return PortalUnavailable(f"the portal at {self.base_url} could not be reached: {reason}")

    def not_the_protocol(self, what: str) -> PortalUnavailable:
        return PortalUnavailable(
            f"the portal at {self.base_url} answered something that is not the portal protocol ({what}); "
            "check the portal URL"
        )


def detail_of(response: httpx.Response) -> str:
    """The portal's `{"detail": ...}` message, or a short description of whatever came back."""
    try:
        body = response.json()
    except ValueError:
        return _content_kind(response)
    if isinstance(body, dict) and isinstance(body.get("detail"), str):
        return body["detail"]
    return "no explanation given"


def _content_kind(response: httpx.Response) -> str:
    kind = response.headers.get("content-type", "").split(";")[0].strip() or "no content type"
    return f"{kind}, {len(response.content)} bytes"
