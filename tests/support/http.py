"""A small HTTP client for tests against a real server process (gunicorn): cookies, forms, CSRF.

The server runs the production settings behind what it takes for a TLS-terminating proxy
(``X-Forwarded-Proto: https``), so its cookies are ``Secure`` and ``__Host-`` prefixed; the client
keeps them itself instead of relying on a cookie jar that would only send them over HTTPS.
"""

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    url: str

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Form(HTMLParser):
    """The fields of one ``<form>`` with the values a browser would send.

    The form is chosen by its id or its action, or is the first ``method="post"`` form.
    """

    def __init__(self, html: str, form_id: str | None, action: str | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.action = action
        self.inside = False
        self.found = False
        self.fields: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            if self.action is not None:
                chosen = attributes.get("action", "").split("?")[0] == self.action
            elif self.form_id is None:
                chosen = attributes.get("method", "").lower() == "post" and not self.found
            else:
                chosen = attributes.get("id") == self.form_id
            self.inside = chosen
            self.found = self.found or chosen
            return
        if not self.inside:
            return
        name = attributes.get("name", "")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            if kind in ("submit", "button", "file"):
                return
            self.fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attributes:
            self.fields[self._select].append(attributes.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.fields[self._textarea][0] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


class Browser:
    """Requests to ``base`` as if to ``https://host``; follows no redirects by itself."""

    def __init__(self, base: str, host: str) -> None:
        self.base = base.rstrip("/")
        self.host = host
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def request(
        self, path: str, data: dict[str, list[str]] | None = None, timeout: float = 60
    ) -> Response:
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"https://{self.host}"
            headers["Referer"] = f"https://{self.host}{path}"
        # Only ever http(s) to the server under test.
        assert self.base.startswith(("http://", "https://"))
        request = urllib.request.Request(self.base + path, data=body, headers=headers)  # noqa: S310
        try:
            with self._opener.open(request, timeout=timeout) as answer:  # noqa: S310
                response = Response(answer.status, dict(answer.headers), answer.read(), path)
                raw_cookies = answer.headers.get_all("Set-Cookie") or []
        except urllib.error.HTTPError as error:
            response = Response(error.code, dict(error.headers), error.read(), path)
            raw_cookies = error.headers.get_all("Set-Cookie") or []
        for raw in raw_cookies:
            cookie: SimpleCookie = SimpleCookie()
            cookie.load(raw)
            for key, morsel in cookie.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def get(self, path: str) -> Response:
        return self.request(path)

    def form(
        self, path: str, form_id: str | None = None, action: str | None = None
    ) -> dict[str, list[str]]:
        response = self.get(path)
        assert response.status == 200, (path, response.status, response.text[:500])
        return Form(response.text, form_id, action).fields

    def post(self, path: str, data: dict[str, list[str]]) -> Response:
        return self.request(path, data)
