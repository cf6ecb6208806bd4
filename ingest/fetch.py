"""FETCH: download over HTTP(S) without reaching inside the network.

    data = await fetch(url, max_bytes=..., timeout=..., allow=["127.0.0.1"])

- Every hop (the first request and each redirect) resolves its host; when any address is
  loopback, private, link-local, multicast, reserved, unspecified, shared or IPv4-mapped /
  6to4 / Teredo, the fetch is refused (``LoadError('blocked_address')``). The connection then
  goes to the address that was checked (pinned, with the host name kept for the Host header,
  TLS SNI and certificate checks), so a second DNS answer cannot swap it (DNS rebinding).
- The allow-list (host names, addresses or networks: "127.0.0.1", "10.0.0.0/8",
  "intranet.local") lifts the check for tests and intranets. Without an explicit one, the
  environment variable ``KEPEMILUAN_FETCH_ALLOW`` (comma-separated) is read; it is empty by default.
- The body is streamed and cut at `max_bytes` (decoded size, so a gzip bomb stops at the cap);
  `timeout` bounds each network operation and `deadline` the whole fetch, redirects included.
- Environment proxies are ignored: a proxy would connect to an unchecked address.
"""
from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urlsplit

import httpx

from .document import USER_AGENT, LoadError, too_large_message

ALLOW_ENV = "KEPEMILUAN_FETCH_ALLOW"
IP = ipaddress.IPv4Address | ipaddress.IPv6Address


class AllowList:
    """Host names and networks a fetch may reach even though they are not public."""

    def __init__(self, entries: Iterable[str] = ()):
        self.hosts: set[str] = set()
        self.networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for entry in entries:
            entry = entry.strip().strip("[]").lower()
            if not entry:
                continue
            try:
                self.networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self.hosts.add(entry.rstrip("."))

    @classmethod
    def of(cls, allow: "AllowList | Iterable[str] | str | None") -> "AllowList":
        if isinstance(allow, AllowList):
            return allow
        if allow is None:
            allow = os.environ.get(ALLOW_ENV, "")
        if isinstance(allow, str):
            allow = allow.replace(";", ",").split(",")
        return cls(allow)

    def allows(self, host: str, ip: IP) -> bool:
        return host.lower().rstrip(".") in self.hosts or any(ip in net for net in self.networks)


def is_blocked(ip: IP) -> bool:
    """Not a public unicast address (or one that tunnels to another address)."""
    if isinstance(ip, ipaddress.IPv6Address) and (ip.ipv4_mapped or ip.sixtofour or ip.teredo):
        return True
    return (not ip.is_global or ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
            or ip.is_reserved or ip.is_unspecified)


def check_url(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or not parts.hostname:
        raise LoadError("http_error", f"Alamat URL tidak valid: {url}. Gunakan alamat http:// atau https://.")


async def resolve(host: str, port: int, allow: AllowList) -> str:
    """The checked address to connect to for `host`; LoadError when any address is internal."""
    try:
        addrs: list[IP] = [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            raise LoadError("http_error", f"Nama server tidak ditemukan: {host}.") from None
        addrs = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    if not addrs:
        raise LoadError("http_error", f"Nama server tidak ditemukan: {host}.")
    for ip in addrs:
        if is_blocked(ip) and not allow.allows(host, ip):
            raise LoadError(
                "blocked_address",
                f"Alamat {host} tidak diizinkan: alamat itu menunjuk ke jaringan internal atau khusus ({ip}).",
            )
    return str(addrs[0])


class GuardedTransport(httpx.AsyncBaseTransport):
    """Checks every request's host and connects to the checked address (one pool per host name)."""

    def __init__(self, allow: AllowList):
        self.allow = allow
        self._pools: dict[str, httpx.AsyncHTTPTransport] = {}

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        host = url.host
        ip = await resolve(host, url.port or (443 if url.scheme == "https" else 80), self.allow)
        extensions = dict(request.extensions)
        if url.scheme == "https":
            extensions["sni_hostname"] = host
        pinned = httpx.Request(request.method, url.copy_with(host=ip), headers=request.headers,
                               stream=request.stream, extensions=extensions)
        pool = self._pools.get(host)
        if pool is None:
            pool = self._pools[host] = httpx.AsyncHTTPTransport(trust_env=False)
        return await pool.handle_async_request(pinned)

    async def aclose(self) -> None:
        for pool in self._pools.values():
            await pool.aclose()
        self._pools.clear()


class GuardedClient(httpx.AsyncClient):
    """An httpx client whose every connection goes through ``GuardedTransport``."""

    def __init__(self, *, allow=None, timeout: float = 20.0, headers: dict | None = None):
        super().__init__(transport=GuardedTransport(AllowList.of(allow)), timeout=httpx.Timeout(timeout),
                         follow_redirects=False, trust_env=False,
                         headers={"User-Agent": USER_AGENT, **(headers or {})})


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    headers: httpx.Headers
    data: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


async def _read(response: httpx.Response, max_bytes: int, ok_status: tuple[int, ...],
                check_type: Callable[[str | None], None] | None) -> Fetched:
    url, status = str(response.url), response.status_code
    if status not in ok_status:
        if status >= 400:
            raise LoadError("http_error", f"Halaman tidak dapat diunduh: server menjawab HTTP {status} ({url}).")
        raise LoadError("http_error", f"Jawaban server tidak terduga: HTTP {status} ({url}).")
    if status == 304:
        return Fetched(url, status, response.headers, b"")
    if check_type:
        check_type(response.headers.get("content-type"))
    length = response.headers.get("content-length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise LoadError("too_large", too_large_message(max_bytes))
    buf = bytearray()
    async for chunk in response.aiter_bytes():
        buf += chunk
        if len(buf) > max_bytes:
            raise LoadError("too_large", too_large_message(max_bytes))
    return Fetched(url, status, response.headers, bytes(buf))


async def _follow(client: httpx.AsyncClient, url: str, *, headers: dict, timeout: float, max_bytes: int,
                  max_redirects: int, ok_status: tuple[int, ...], check_type) -> Fetched:
    current = url
    for _hop in range(max_redirects + 1):
        request = client.build_request("GET", current, headers=headers, timeout=timeout)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            if response.is_redirect:
                current = str(response.url.join(response.headers["location"]))
                check_url(current)
                continue
            return await _read(response, max_bytes, ok_status, check_type)
        finally:
            await response.aclose()
    raise LoadError(
        "too_many_redirects",
        f"Terlalu banyak pengalihan (redirect) saat membuka {url} (lebih dari {max_redirects}).",
    )


async def fetch(url: str, *, max_bytes: int, timeout: float = 20.0, deadline: float | None = None,
                max_redirects: int = 5, headers: dict | None = None, allow=None,
                client: GuardedClient | None = None, ok_status: tuple[int, ...] = (200,),
                check_type: Callable[[str | None], None] | None = None) -> Fetched:
    """GET `url` safely (see the module doc). `deadline` defaults to 4 x `timeout`.

    `client`: a caller's ``GuardedClient`` (kept open); its allow-list then applies.
    `check_type`: called with the Content-Type before the body is read; raises to refuse it.
    """
    check_url(url)
    if client is not None and not isinstance(client, GuardedClient):
        raise TypeError("fetch needs a GuardedClient: a plain httpx client would skip the address checks")
    own = client is None
    if client is None:
        client = GuardedClient(allow=allow, timeout=timeout)
    try:
        async with asyncio.timeout(deadline or timeout * 4):
            return await _follow(client, url, headers=headers or {}, timeout=timeout, max_bytes=max_bytes,
                                 max_redirects=max_redirects, ok_status=ok_status, check_type=check_type)
    except LoadError:
        raise
    except (httpx.TimeoutException, TimeoutError):
        raise LoadError("timeout", f"Waktu habis saat mengunduh {url}. Coba lagi nanti.") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise LoadError("http_error", f"Tidak dapat mengunduh {url}: koneksi gagal ({type(exc).__name__}).") from None
    finally:
        if own:
            await client.aclose()
