"""A stand-in for the Telegram Bot API, served over real HTTP on 127.0.0.1.

The real python-telegram-bot Application talks to it through `base_url` /
`base_file_url`; tests drive it like users would (send a text, press a button) and read
back what the bot sent. It validates requests the way Telegram does (message length,
HTML entities, callback_data size, unknown chats) and answers in Telegram's shapes:

    {"ok": true, "result": ...}
    {"ok": false, "error_code": 400, "description": "Bad Request: ..."}

Usage:

    stub = TelegramStub(token)
    await stub.start()                       # stub.base_url, stub.base_file_url
    msg = await stub.send_text(USER, "halo")
    replies = await stub.wait_for_messages(USER, 1)
    await stub.click(USER, replies[-1], "👍")
    stub.fail_next(1, status=429, retry_after=1, method="sendMessage")
    stub.slow_next(1, seconds=2.0, method="sendMessage", chat_id=USER)   # a slow reply
    await stub.stop()

Webhook delivery (like Telegram after setWebhook): `stub.deliver_by_webhook([url1, url2])` maps
the registered public webhook URL to local replica URLs. From then on every update is POSTed
with the X-Telegram-Bot-Api-Secret-Token header given to setWebhook, round-robin over the
targets (or to `target=i`); a failed delivery (connection refused/reset, timeout, non-2xx) is
retried on the next target until one answers 2xx, as Telegram keeps retrying. `deliveries`
records every attempt. getUpdates answers 409 while a webhook is set, as Telegram does.
"""
from __future__ import annotations

import asyncio
import html
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000000001
BOT_USERNAME = "kepemiluan_test_bot"
MAX_TEXT = 4096
DELETE_WINDOW_S = 48 * 3600  # deleteMessage: only messages younger than 48 h
MAX_CALLBACK_DATA = 64

# Telegram's HTML tags (https://core.telegram.org/bots/api#html-style)
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler",
    "a", "code", "pre", "blockquote", "tg-emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
# Bot API fields that PTB sends JSON-encoded inside form data
JSON_FIELDS = {
    "reply_markup", "reply_parameters", "link_preview_options", "commands", "scope",
    "allowed_updates", "entities", "caption_entities", "media", "results",
}
INT_FIELDS = {"offset", "limit", "timeout", "message_id", "user_id", "cache_time"}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


def bad_request(text: str) -> ApiError:
    return ApiError(400, f"Bad Request: {text}")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


# ----------------------------------------------------------------------------- HTML


_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*(/?)>")
_ATTR_RE = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>\"']+))?")
_SPECIAL_RE = re.compile(r"[<&]")
_ENTITY_RE = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);")


def parse_html(text: str) -> tuple[str, list[dict]]:
    """Parse Telegram HTML into (plain text, entities), raising ValueError like Telegram.

    Offsets/lengths of the entities are in UTF-16 units, as in the Bot API.
    """
    out: list[str] = []
    out_len = 0  # utf-16 length of out
    stack: list[tuple[str, dict, int]] = []  # (tag, attrs, start offset)
    entities: list[dict] = []
    i = 0

    def byte_offset(pos: int) -> int:
        return len(text[:pos].encode("utf-8"))

    while i < len(text):
        ch = text[i]
        if ch == "<":
            m = _TAG_RE.match(text, i)
            if not m:
                raise ValueError(f"Unsupported start tag at byte offset {byte_offset(i)}")
            closing, name, attr_text, _self = m.group(1), m.group(2).lower(), m.group(3), m.group(4)
            if not closing:
                if name not in ALLOWED_TAGS:
                    raise ValueError(f'Unsupported start tag "{name}" at byte offset {byte_offset(i)}')
                attrs = {k.lower(): (v or "").strip("\"'") for k, v in _ATTR_RE.findall(attr_text)}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(i)}')
                if name == "a" and not attrs.get("href"):
                    raise ValueError(f"Can't find href of a link at byte offset {byte_offset(i)}")
                if name == "blockquote" and any(t == "blockquote" for t, _, _ in stack):
                    raise ValueError(f"Blockquote entities can't be nested at byte offset {byte_offset(i)}")
                if any(t in ("pre", "code") for t, _, _ in stack) and not (
                    name == "code" and stack and stack[-1][0] == "pre"
                ):
                    raise ValueError(f"Can't use entities inside pre/code at byte offset {byte_offset(i)}")
                stack.append((name, attrs, out_len))
            else:
                if not stack:
                    raise ValueError(f'Unexpected end tag at byte offset {byte_offset(i)}')
                if stack[-1][0] != name:
                    raise ValueError(
                        f'Unmatched end tag at byte offset {byte_offset(i)}, expected "</{stack[-1][0]}>", found "</{name}>"'
                    )
                tag, attrs, start = stack.pop()
                entities.append(_entity(tag, attrs, start, out_len - start))
            i = m.end()
            continue
        if ch == "&":
            m = _ENTITY_RE.match(text, i)
            if not m:
                raise ValueError(f"Character entity is not terminated at byte offset {byte_offset(i)}")
            body = m.group(1)
            if body.startswith("#"):
                code = int(body[2:], 16) if body[1:2] in ("x", "X") else int(body[1:])
                try:
                    decoded = chr(code)
                except (ValueError, OverflowError):
                    raise ValueError(f"Invalid character entity at byte offset {byte_offset(i)}") from None
            elif body in NAMED_ENTITIES:
                decoded = NAMED_ENTITIES[body]
            else:
                raise ValueError(f'Unsupported HTML entity "&{body};" at byte offset {byte_offset(i)}')
            out.append(decoded)
            out_len += utf16_len(decoded)
            i = m.end()
            continue
        nxt = _SPECIAL_RE.search(text, i)
        end = nxt.start() if nxt else len(text)
        run = text[i:end]  # plain text up to the next tag or entity
        out.append(run)
        out_len += utf16_len(run)
        i = end
    if stack:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def _entity(tag: str, attrs: dict, offset: int, length: int) -> dict:
    kind = {
        "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
        "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
        "span": "spoiler", "tg-spoiler": "spoiler", "a": "text_link", "code": "code", "pre": "pre",
        "blockquote": "blockquote", "tg-emoji": "custom_emoji",
    }[tag]
    if tag == "blockquote" and "expandable" in attrs:
        kind = "expandable_blockquote"
    ent = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        ent["url"] = attrs["href"]
    return ent


def _auto_entities(text: str) -> list[dict]:
    """Entities Telegram's clients create for a typed message: a leading bot command, @mentions."""
    ents = []
    for m in re.finditer(r"(?<![\w@])(/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?)|(@[a-zA-Z0-9_]{5,32})", text):
        offset = utf16_len(text[: m.start()])
        length = utf16_len(m.group(0))
        if m.group(1) and m.start() == 0:
            ents.append({"type": "bot_command", "offset": offset, "length": length})
        elif m.group(2):
            ents.append({"type": "mention", "offset": offset, "length": length})
    return ents


# ----------------------------------------------------------------------------- state


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float
    status: int = 200
    response: Any = None


@dataclass
class Fault:
    remaining: int
    status: int
    retry_after: int | None
    method: str | None
    until: float | None = None  # time-boxed outage (monotonic clock) instead of a count
    chat_id: int | None = None  # only calls to this chat


@dataclass
class Delivery:
    update_id: int
    target: str
    status: int | str  # HTTP status, or the exception name
    started: float
    finished: float


@dataclass
class Slow:
    remaining: int
    seconds: float
    method: str | None
    chat_id: int | None


@dataclass
class SentMessage:
    """A message the bot sent (as the stub stores it)."""

    chat_id: int
    message_id: int
    html: str  # the raw text parameter
    text: str  # what the user sees (entities parsed)
    entities: list[dict]
    parse_mode: str | None
    reply_markup: dict | None
    reply_to: int | None
    sent_at: float
    edits: int = 0
    media: dict | None = None  # {"type": "photo" | "document", "file_id": ...} for sendPhoto / sendDocument

    def buttons(self) -> list[dict]:
        if not self.reply_markup:
            return []
        return [b for row in self.reply_markup.get("inline_keyboard", []) for b in row]

    def button(self, text_or_prefix: str) -> dict:
        for b in self.buttons():
            if b["text"] == text_or_prefix or b["text"].startswith(text_or_prefix):
                return b
        raise KeyError(f"no button {text_or_prefix!r} in {[b['text'] for b in self.buttons()]}")

    def as_api(self, bot_user: dict, chat: dict) -> dict:
        msg = {
            "message_id": self.message_id,
            "date": int(self.sent_at),
            "chat": chat,
            "from": bot_user,
            "text": self.text,
        }
        if self.entities:
            msg["entities"] = self.entities
        if self.reply_markup:
            msg["reply_markup"] = self.reply_markup
        if self.edits:
            msg["edit_date"] = int(time.time())
        return msg


@dataclass
class StubUser:
    id: int
    first_name: str
    username: str | None = None
    language_code: str = "id"

    def as_api(self) -> dict:
        d = {"id": self.id, "is_bot": False, "first_name": self.first_name, "language_code": self.language_code}
        if self.username:
            d["username"] = self.username
        return d


@dataclass
class StubState:
    users: dict[int, StubUser] = field(default_factory=dict)
    chats: dict[int, dict] = field(default_factory=dict)
    updates: list[dict] = field(default_factory=list)
    sent: dict[int, list[SentMessage]] = field(default_factory=dict)
    user_messages: dict[tuple[int, int], dict] = field(default_factory=dict)
    callback_answers: dict[str, dict | None] = field(default_factory=dict)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    commands: list[dict] = field(default_factory=list)
    # chat id -> user id -> status ("creator", "administrator", "member", "left", ...)
    members: dict[int, dict[int, str]] = field(default_factory=dict)
    deleted: list[SentMessage] = field(default_factory=list)  # bot messages removed by deleteMessage
    migrated: dict[int, int] = field(default_factory=dict)  # group id -> the supergroup it became


class TelegramStub:
    def __init__(self, token: str, *, bot_id: int = BOT_ID, bot_username: str = BOT_USERNAME):
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Konsultasi Hukum Kepemiluan",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.state = StubState()
        self.calls: list[Call] = []
        self._faults: list[Fault] = []
        self._slow: list[Slow] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = {}
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.port: int | None = None
        self.request_count = 0
        # called synchronously with each SentMessage (cheap hook for load tests)
        self.listeners: list = []
        self.webhook: dict | None = None  # set by setWebhook
        self.webhook_targets: list[str] = []
        self.deliveries: list[Delivery] = []
        self._delivery_queue: asyncio.Queue | None = None
        self._delivery_tasks: list[asyncio.Task] = []
        self._delivery_session = None
        self._rr = itertools.count()
        self.delivery_retry_delay = 0.2
        self.delivery_timeout = 60.0
        self.pending_deliveries = 0
        self.sizeless: set[str] = set()  # file ids whose file_size Telegram leaves out

    # ------------------------------------------------------------------ lifecycle

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def start(self) -> TelegramStub:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # noqa: SLF001
        return self

    async def stop(self) -> None:
        for task in self._delivery_tasks:
            task.cancel()
        for task in self._delivery_tasks:
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass
        if self._delivery_session is not None:
            await self._delivery_session.close()
        self._closing = True
        async with self._changed:
            self._changed.notify_all()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> TelegramStub:
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    # ------------------------------------------------------------------ fault injection

    def fail_next(self, n: int = 1, *, status: int = 429, retry_after: int | None = 1, method: str | None = None) -> None:
        """Answer the next `n` calls (of `method`, or of any method but getUpdates) with an error.

        status 429 → {"error_code":429,"parameters":{"retry_after":N}}; 502 → Bad Gateway page.
        """
        self._faults.append(Fault(n, status, retry_after, method))

    def fail_for(self, seconds: float, *, status: int = 502, retry_after: int | None = 1,
                 method: str | None = None, chat_id: int | None = None) -> None:
        """An outage: every call (of `method`, or any but getUpdates; to `chat_id`) fails for `seconds`."""
        self._faults.append(Fault(1, status, retry_after, method, until=time.monotonic() + seconds, chat_id=chat_id))

    def slow_next(self, n: int = 1, *, seconds: float = 2.0, method: str | None = None,
                  chat_id: int | None = None) -> None:
        """Delay the answer to the next `n` calls (of `method`, to `chat_id`; getUpdates never)."""
        self._slow.append(Slow(n, seconds, method, chat_id))

    def _take_slow(self, method: str, params: dict) -> Slow | None:
        if method == "getUpdates":
            return None
        for slow in self._slow:
            if (slow.remaining > 0 and (slow.method is None or slow.method == method)
                    and (slow.chat_id is None or str(params.get("chat_id")) == str(slow.chat_id))):
                slow.remaining -= 1
                return slow
        return None

    def _take_fault(self, method: str, params: dict | None = None) -> Fault | None:
        for fault in self._faults:
            if not (fault.method == method or (fault.method is None and method != "getUpdates")):
                continue
            if fault.chat_id is not None and str((params or {}).get("chat_id")) != str(fault.chat_id):
                continue
            if fault.until is not None:
                if time.monotonic() < fault.until:
                    return fault
                continue
            if fault.remaining > 0:
                fault.remaining -= 1
                return fault
        return None

    # ------------------------------------------------------------------ HTTP

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                body = await request.json()
                params.update(body or {})
                return params
            form = await request.post()
            for k, v in form.items():
                params[k] = v if isinstance(v, str) else v.file.read()
        for k in list(params):
            v = params[k]
            if k in JSON_FIELDS and isinstance(v, str):
                try:
                    params[k] = json.loads(v)
                except json.JSONDecodeError:
                    raise bad_request(f"can't parse {k} JSON object") from None
            elif k in INT_FIELDS and isinstance(v, str):
                params[k] = int(v) if v.lstrip("-").isdigit() else float(v)
            elif k in ("chat_id", "from_chat_id") and isinstance(v, str) and v.lstrip("-").isdigit():
                params[k] = int(v)
            elif isinstance(v, str) and v in ("true", "false"):
                params[k] = v == "true"
        return params

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        self.request_count += 1
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        try:
            params = await self._params(request)
        except ApiError as err:
            return self._error(err)
        except ConnectionResetError:  # the client gave up mid-request (e.g. a cancelled task)
            return web.Response(status=499)
        call = Call(method, params, time.monotonic())
        self.calls.append(call)
        slow = self._take_slow(method, params)
        if slow is not None:  # Telegram is slow to answer (the request is then carried out)
            await asyncio.sleep(slow.seconds)

        fault = self._take_fault(method, params)
        if fault is not None:
            call.status = fault.status
            await self._notify()
            if fault.status == 429:
                ra = fault.retry_after or 1
                return self._error(ApiError(429, f"Too Many Requests: retry after {ra}", {"retry_after": ra}))
            if fault.status == 502:
                return web.Response(status=502, text="<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html")
            return self._error(ApiError(fault.status, "Internal Server Error"))

        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            call.status = 404
            return self._error(ApiError(404, "Not Found: method not found"))
        try:
            result = await handler(params)
        except ApiError as err:
            call.status = err.code
            call.response = err.description
            await self._notify()
            return self._error(err)
        call.response = result
        await self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(err: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": err.code, "description": err.description}
        if err.parameters:
            body["parameters"] = err.parameters
        return web.json_response(body, status=err.code)

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        path = request.match_info["path"]
        for file_path, data in self.state.files.values():
            if file_path == path:
                self.calls.append(Call("<file>", {"path": path}, time.monotonic()))
                return web.Response(body=data, content_type="application/octet-stream")
        return web.Response(status=404, text="Not Found")

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # ------------------------------------------------------------------ Bot API methods

    async def api_getMe(self, p):
        return self.bot_user

    async def api_logOut(self, p):
        return True

    async def api_close(self, p):
        return True

    async def api_deleteWebhook(self, p):
        self.webhook = None
        if p.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def api_setWebhook(self, p):
        url = p.get("url") or ""
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise bad_request("bad webhook: secret token contains unallowed characters")
        self.webhook = {"url": url, "secret_token": secret}
        if p.get("drop_pending_updates"):
            self.state.updates.clear()
        return True

    async def api_getWebhookInfo(self, p):
        url = (self.webhook or {}).get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": len(self.state.updates)}

    async def api_setMyCommands(self, p):
        commands = p.get("commands") or []
        for c in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", c.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(c.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands = commands
        return True

    async def api_getMyCommands(self, p):
        return self.state.commands

    async def api_getUpdates(self, p):
        if self.webhook and self.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(p.get("offset") or 0)
        limit = max(1, min(100, int(p.get("limit") or 100)))
        timeout = float(p.get("timeout") or 0)
        if offset:
            # confirming: everything below offset is gone for good
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not self.state.updates and not self._closing:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout=left)
                except asyncio.TimeoutError:
                    break
        return self.state.updates[:limit]

    def _chat(self, chat_id: Any) -> dict:
        try:
            cid = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        chat = self.state.chats.get(cid)
        if chat is None:
            raise bad_request("chat not found")
        moved = self.state.migrated.get(cid)
        if moved is not None:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": moved})
        return chat

    def _validate_text(self, text: Any, parse_mode: str | None) -> tuple[str, list[dict]]:
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        if parse_mode and parse_mode.upper() == "HTML":
            try:
                plain, entities = parse_html(text)
            except ValueError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        else:
            plain, entities = text, []
        if not plain.strip():
            raise bad_request("message text is empty")
        if utf16_len(plain) > MAX_TEXT:
            raise bad_request("message is too long")
        return plain, entities

    @staticmethod
    def _validate_markup(markup: Any) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
                    raise bad_request("BUTTON_DATA_INVALID")
                if data is None and not button.get("url"):
                    raise bad_request("BUTTON_TYPE_INVALID")
        return markup

    def _next_message_id(self, chat_id: int) -> int:
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        return next(counter)

    async def api_sendMessage(self, p):
        chat = self._chat(p.get("chat_id"))
        text, entities = self._validate_text(p.get("text"), p.get("parse_mode"))
        markup = self._validate_markup(p.get("reply_markup"))
        reply_to = None
        rp = p.get("reply_parameters")
        if isinstance(rp, dict) and rp.get("message_id"):
            reply_to = int(rp["message_id"])
            if not self._message_exists(chat["id"], reply_to) and not rp.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        msg = SentMessage(
            chat_id=chat["id"],
            message_id=self._next_message_id(chat["id"]),
            html=p["text"],
            text=text,
            entities=entities,
            parse_mode=p.get("parse_mode"),
            reply_markup=markup,
            reply_to=reply_to,
            sent_at=time.time(),
        )
        self.state.sent.setdefault(chat["id"], []).append(msg)
        for listener in self.listeners:
            listener(msg)
        return msg.as_api(self.bot_user, chat)

    def _message_exists(self, chat_id: int, message_id: int) -> bool:
        if (chat_id, message_id) in self.state.user_messages:
            return True
        return any(m.message_id == message_id for m in self.state.sent.get(chat_id, []))

    def _sent(self, chat_id: int, message_id: Any) -> SentMessage:
        for msg in self.state.sent.get(chat_id, []):
            if msg.message_id == int(message_id or 0):
                return msg
        raise bad_request("message to edit not found")

    async def api_editMessageText(self, p):
        chat = self._chat(p.get("chat_id"))
        msg = self._sent(chat["id"], p.get("message_id"))
        text, entities = self._validate_text(p.get("text"), p.get("parse_mode"))
        markup = self._validate_markup(p.get("reply_markup"))
        if text == msg.text and entities == msg.entities and markup == msg.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the "
                "same as a current content and reply markup of the message"
            )
        msg.html, msg.text, msg.entities, msg.reply_markup = p["text"], text, entities, markup
        msg.parse_mode = p.get("parse_mode")
        msg.edits += 1
        return msg.as_api(self.bot_user, chat)

    async def api_deleteMessage(self, p):
        """Like Telegram: a bot deletes its own messages only within 48 hours of sending them."""
        chat = self._chat(p.get("chat_id"))
        msg = self._sent(chat["id"], p.get("message_id"))
        if time.time() - msg.sent_at > DELETE_WINDOW_S:
            raise bad_request("message can't be deleted")
        self.state.sent[chat["id"]].remove(msg)
        self.state.deleted.append(msg)
        return True

    async def api_editMessageReplyMarkup(self, p):
        chat = self._chat(p.get("chat_id"))
        msg = self._sent(chat["id"], p.get("message_id"))
        markup = self._validate_markup(p.get("reply_markup"))
        if markup == msg.reply_markup or (not markup and not msg.reply_markup):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are exactly the "
                "same as a current content and reply markup of the message"
            )
        msg.reply_markup = markup
        msg.edits += 1
        return msg.as_api(self.bot_user, chat)

    async def api_answerCallbackQuery(self, p):
        qid = str(p.get("callback_query_id", ""))
        if qid not in self.state.callback_answers:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if self.state.callback_answers[qid] is not None:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text") or ""
        if len(text) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.state.callback_answers[qid] = {"text": text, "show_alert": bool(p.get("show_alert"))}
        return True

    async def api_sendChatAction(self, p):
        self._chat(p.get("chat_id"))
        if p.get("action") not in {
            "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
            "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
        }:
            raise bad_request("wrong parameter action in request")
        return True

    async def api_getChatMember(self, p):
        chat = self._chat(p.get("chat_id"))
        try:
            user_id = int(p.get("user_id"))
        except (TypeError, ValueError):
            raise bad_request("invalid user_id specified") from None
        status = self.state.members.get(chat["id"], {}).get(user_id, "left")
        user = self.state.users.get(user_id) or StubUser(user_id, f"Pengguna{user_id}")
        member = {"status": status, "user": user.as_api()}
        if status == "administrator":
            member.update({
                "can_be_edited": False, "is_anonymous": False, "can_manage_chat": True, "can_delete_messages": True,
                "can_manage_video_chats": True, "can_restrict_members": True, "can_promote_members": False,
                "can_change_info": True, "can_invite_users": True, "can_post_stories": False,
                "can_edit_stories": False, "can_delete_stories": False,
            })
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    async def _send_media(self, p, kind: str):
        chat = self._chat(p.get("chat_id"))
        file_id = p.get(kind)
        if not isinstance(file_id, str) or not file_id:
            raise bad_request(f"there is no {kind} in the request")
        caption = p.get("caption") or ""
        if caption:
            caption, _ = self._validate_text(caption, p.get("parse_mode"))
            if utf16_len(caption) > 1024:
                raise bad_request("message caption is too long")
        reply_to = None
        rp = p.get("reply_parameters")
        if isinstance(rp, dict) and rp.get("message_id"):
            reply_to = int(rp["message_id"])
            if not self._message_exists(chat["id"], reply_to) and not rp.get("allow_sending_without_reply"):
                raise bad_request("message to be replied not found")
        msg = SentMessage(
            chat_id=chat["id"], message_id=self._next_message_id(chat["id"]), html=caption, text=caption,
            entities=[], parse_mode=p.get("parse_mode"), reply_markup=None, reply_to=reply_to, sent_at=time.time(),
            media={"type": kind, "file_id": file_id},
        )
        self.state.sent.setdefault(chat["id"], []).append(msg)
        for listener in self.listeners:
            listener(msg)
        out = msg.as_api(self.bot_user, chat)
        out.pop("text", None)
        if caption:
            out["caption"] = caption
        if kind == "photo":
            out["photo"] = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 800, "height": 800}]
        else:
            out["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}"}
        return out

    async def api_sendMediaGroup(self, p):
        """Like Telegram: 2-10 items; photos and videos may mix, documents only with documents."""
        chat = self._chat(p.get("chat_id"))
        media = p.get("media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media in the album (must be 2-10)")
        kinds = set()
        for item in media:
            if not isinstance(item, dict) or item.get("type") not in ("photo", "video", "document", "audio"):
                raise bad_request("wrong media type in the album")
            if not isinstance(item.get("media"), str) or not item["media"]:
                raise bad_request("there is no media in the album item")
            caption = item.get("caption") or ""
            if caption:
                plain, _ = self._validate_text(caption, item.get("parse_mode"))
                if utf16_len(plain) > 1024:
                    raise bad_request("message caption is too long")
            kinds.add("visual" if item["type"] in ("photo", "video") else item["type"])
        if len(kinds) > 1:
            raise bad_request("documents and audio can't be mixed with other media types")
        out = []
        for i, item in enumerate(media):
            params = {"chat_id": chat["id"], item["type"]: item["media"], "caption": item.get("caption"),
                      "parse_mode": item.get("parse_mode")}
            if i == 0:
                params["reply_parameters"] = p.get("reply_parameters")
            out.append(await self._send_media(params, item["type"]))
        return out

    async def api_sendPhoto(self, p):
        return await self._send_media(p, "photo")

    async def api_sendDocument(self, p):
        return await self._send_media(p, "document")

    async def api_getFile(self, p):
        fid = p.get("file_id")
        if fid not in self.state.files:
            raise bad_request("invalid file_id")
        path, data = self.state.files[fid]
        out = {"file_id": fid, "file_unique_id": f"u{fid}", "file_path": path}
        if fid not in self.sizeless:
            out["file_size"] = len(data)
        return out

    # ------------------------------------------------------------------ users (tests)

    def user(self, user_id: int, first_name: str | None = None, username: str | None = None) -> StubUser:
        if user_id not in self.state.users:
            self.state.users[user_id] = StubUser(user_id, first_name or f"Warga{user_id}", username)
            self.state.chats[user_id] = {
                "id": user_id,
                "type": "private",
                "first_name": first_name or f"Warga{user_id}",
            }
        return self.state.users[user_id]

    def group(self, chat_id: int, title: str = "Grup Diskusi Pemilu") -> dict:
        assert chat_id < 0, "group ids are negative"
        self.state.chats.setdefault(chat_id, {"id": chat_id, "type": "supergroup", "title": title})
        return self.state.chats[chat_id]

    async def migrate_group(self, old_id: int, new_id: int, *, by: int = 1, notify: bool = True) -> None:
        """Telegram upgrades group `old_id` to supergroup `new_id`: its members, and the bot's
        messages, are in the new chat from now on (new messages get the new chat's ids); calls to
        the old id answer 400 with parameters.migrate_to_chat_id; both service messages arrive."""
        old = self.group(old_id)
        new = self.group(new_id, old.get("title", "Grup"))
        self.state.members[new_id] = dict(self.state.members.get(old_id, {}))
        self.user(by)
        old_msg = self.make_message(by, chat_id=old_id, migrate_to_chat_id=new_id)
        new_msg = self.make_message(by, chat_id=new_id, migrate_from_chat_id=old_id)
        self.state.migrated[old_id] = new_id
        if notify:  # notify=False: the bot learns it only from a refused call
            await self.push_update({"message": old_msg})
            await self.push_update({"message": new_msg})

    async def push_update(self, update: dict, *, target: int | None = None) -> dict:
        update = {"update_id": next(self._update_ids), **update}
        if self._delivery_queue is not None:
            self.pending_deliveries += 1
            self._delivery_queue.put_nowait((update, target))
        else:
            self.state.updates.append(update)
        await self._notify()
        return update

    # ------------------------------------------------------------------ webhook delivery

    def deliver_by_webhook(self, targets: list[str], *, concurrency: int = 40) -> None:
        """Deliver updates by POSTing them to `targets` (the replicas) from now on."""
        import aiohttp

        self.webhook_targets = list(targets)
        if self._delivery_queue is None:
            self._delivery_queue = asyncio.Queue()
            self._delivery_session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.delivery_timeout),
                connector=aiohttp.TCPConnector(limit=concurrency * 2))
            self._delivery_tasks = [asyncio.create_task(self._deliver_loop()) for _ in range(concurrency)]

    async def redeliver(self, update: dict, *, target: int | None = None) -> None:
        """Deliver an already delivered update again (Telegram does, when it saw no answer)."""
        assert self._delivery_queue is not None, "deliver_by_webhook() first"
        self.pending_deliveries += 1
        self._delivery_queue.put_nowait((update, target))

    async def _deliver_loop(self) -> None:
        while True:
            update, target = await self._delivery_queue.get()
            try:
                await self._deliver(update, target)
            finally:
                self.pending_deliveries -= 1
                await self._notify()

    async def _deliver(self, update: dict, target: int | None) -> None:
        attempt = 0
        while not self._closing:
            if self.webhook is None or not self.webhook.get("url") or not self.webhook_targets:
                await asyncio.sleep(self.delivery_retry_delay)  # no webhook (yet): Telegram keeps it
                continue
            if target is not None and attempt == 0:
                url = self.webhook_targets[target % len(self.webhook_targets)]
            else:
                url = self.webhook_targets[next(self._rr) % len(self.webhook_targets)]
            attempt += 1
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            started = time.monotonic()
            try:
                async with self._delivery_session.post(url, json=update, headers=headers) as resp:
                    await resp.read()
                    status: int | str = resp.status
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # refused, reset, timeout: the replica is gone
                status = type(exc).__name__
            self.deliveries.append(Delivery(update["update_id"], url, status, started, time.monotonic()))
            if isinstance(status, int) and 200 <= status < 300:
                return
            await asyncio.sleep(self.delivery_retry_delay)

    def make_message(
        self,
        user_id: int,
        *,
        chat_id: int | None = None,
        reply_to: SentMessage | dict | None = None,
        **content: Any,
    ) -> dict:
        """Build (and remember) a message from a user without delivering it."""
        user = self.user(user_id)
        chat = self.state.chats[chat_id] if chat_id is not None else self.state.chats[user_id]
        message = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user.as_api(),
            **content,
        }
        if isinstance(message.get("text"), str) and "entities" not in message:
            ents = _auto_entities(message["text"])
            if ents:
                message["entities"] = ents
        if reply_to is not None:
            message["reply_to_message"] = (
                reply_to.as_api(self.bot_user, chat) if isinstance(reply_to, SentMessage) else reply_to
            )
        self.state.user_messages[(chat["id"], message["message_id"])] = message
        return message

    async def send_message(self, user_id: int, *, target: int | None = None, **kw: Any) -> dict:
        """Inject a message from a user (delivered by getUpdates, or by webhook to replica
        `target`); kw: chat_id, reply_to, fields."""
        message = self.make_message(user_id, **kw)
        await self.push_update({"message": message}, target=target)
        return message

    async def send_text(self, user_id: int, text: str, **kw: Any) -> dict:
        return await self.send_message(user_id, text=text, **kw)

    async def send_group_text(self, chat_id: int, user_id: int, text: str, **kw: Any) -> dict:
        self.group(chat_id)
        self.user(user_id)
        return await self.send_message(user_id, chat_id=chat_id, text=text, **kw)

    def add_member(self, chat_id: int, user_id: int, status: str = "member", first_name: str | None = None) -> None:
        """Make `user_id` a member of group `chat_id` (getChatMember answers with `status`)."""
        self.group(chat_id)
        self.user(user_id, first_name)
        self.state.members.setdefault(chat_id, {})[user_id] = status

    async def send_forwarded(self, user_id: int, text: str, *, origin_name: str = "Grup WA Keluarga") -> dict:
        return await self.send_message(
            user_id,
            text=text,
            forward_origin={"type": "hidden_user", "sender_user_name": origin_name, "date": int(time.time()) - 3600},
        )

    async def edit_text(self, message: dict, new_text: str) -> dict:
        edited = {**message, "text": new_text, "edit_date": int(time.time())}
        edited.pop("entities", None)
        ents = _auto_entities(new_text)
        if ents:
            edited["entities"] = ents
        self.state.user_messages[(message["chat"]["id"], message["message_id"])] = edited
        await self.push_update({"edited_message": edited})
        return edited

    def add_file(self, data: bytes, file_path: str) -> str:
        fid = f"F{len(self.state.files) + 1:04d}"
        self.state.files[fid] = (file_path, data)
        return fid

    async def send_sticker(self, user_id: int) -> dict:
        return await self.send_message(user_id, sticker={
            "file_id": "STK1", "file_unique_id": "uSTK1", "type": "regular", "width": 512, "height": 512,
            "is_animated": False, "is_video": False, "emoji": "👍",
        })

    async def send_photo(self, user_id: int, caption: str | None = None) -> dict:
        content: dict[str, Any] = {"photo": [
            {"file_id": "PH1", "file_unique_id": "uPH1", "width": 90, "height": 90, "file_size": 1200},
            {"file_id": "PH2", "file_unique_id": "uPH2", "width": 800, "height": 800, "file_size": 64000},
        ]}
        if caption:
            content["caption"] = caption
        return await self.send_message(user_id, **content)

    async def send_voice(self, user_id: int) -> dict:
        return await self.send_message(user_id, voice={"file_id": "VO1", "file_unique_id": "uVO1", "duration": 4})

    async def send_video(self, user_id: int) -> dict:
        return await self.send_message(user_id, video={
            "file_id": "VI1", "file_unique_id": "uVI1", "width": 640, "height": 360, "duration": 10,
        })

    async def send_location(self, user_id: int) -> dict:
        return await self.send_message(user_id, location={"latitude": -6.2, "longitude": 106.8})

    async def send_contact(self, user_id: int) -> dict:
        return await self.send_message(user_id, contact={"phone_number": "+628123456789", "first_name": "Budi"})

    async def send_document(self, user_id: int, data: bytes = b"%PDF-1.4 contoh", file_name: str = "pkpu.pdf",
                            *, mime_type: str | None = "application/pdf", caption: str | None = None,
                            with_size: bool = True, **kw: Any) -> dict:
        """A document upload (kw: reply_to, chat_id). Telegram keeps the file's extension in file_path."""
        ext = ("." + file_name.rsplit(".", 1)[-1].lower()) if "." in file_name else ""
        fid = self.add_file(data, f"documents/file_{len(self.state.files) + 1}{ext}")
        document = {"file_id": fid, "file_unique_id": f"u{fid}", "file_name": file_name}
        if with_size:  # Telegram may leave file_size out (optional in the Bot API)
            document["file_size"] = len(data)
        else:
            self.sizeless.add(fid)
        if mime_type:
            document["mime_type"] = mime_type
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
            if caption.startswith("/"):
                word = caption.split()[0]
                content["caption_entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(word)}]
        return await self.send_message(user_id, **content, **kw)

    async def click(self, user_id: int, message: SentMessage, button: str, *, target: int | None = None) -> str:
        """Press an inline button (by its text or text prefix) under a bot message."""
        data = message.button(button)["callback_data"]
        return await self.press(user_id, message, data, target=target)

    async def press(self, user_id: int, message: SentMessage, data: str, *, target: int | None = None) -> str:
        user = self.user(user_id)
        qid = str(next(self._callback_ids))
        self.state.callback_answers[qid] = None
        chat = self.state.chats[message.chat_id]
        await self.push_update({"callback_query": {
            "id": qid,
            "from": user.as_api(),
            "message": message.as_api(self.bot_user, chat),
            "chat_instance": f"ci{message.chat_id}",
            "data": data,
        }}, target=target)
        return qid

    # ------------------------------------------------------------------ observing (tests)

    def messages(self, chat_id: int) -> list[SentMessage]:
        return list(self.state.sent.get(chat_id, []))

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate, timeout: float = 5.0, what: str = "condition") -> Any:
        deadline = time.monotonic() + timeout
        async with self._changed:
            while True:
                result = predicate()
                if result:
                    return result
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout=left)
                except asyncio.TimeoutError:
                    pass

    async def wait_for_messages(self, chat_id: int, n: int = 1, timeout: float = 5.0) -> list[SentMessage]:
        """Wait until the bot has sent at least `n` messages in total to `chat_id`."""
        return await self.wait_for(
            lambda: self.messages(chat_id) if len(self.messages(chat_id)) >= n else None,
            timeout,
            f"{n} messages in chat {chat_id} (have {len(self.messages(chat_id))})",
        )

    async def wait_for_answer(self, qid: str, timeout: float = 5.0) -> dict:
        """Wait until the bot has answered callback query `qid`."""
        return await self.wait_for(lambda: self.state.callback_answers.get(qid), timeout, f"answer to query {qid}")

    async def settle(self, quiet: float = 0.3, timeout: float = 5.0) -> None:
        """Wait until no bot call has happened for `quiet` seconds (besides long polling)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            n = len([c for c in self.calls if c.method != "getUpdates"])
            await asyncio.sleep(quiet)
            if (len([c for c in self.calls if c.method != "getUpdates"]) == n and not self.state.updates
                    and not self.pending_deliveries):
                return

    def visible_text(self, chat_id: int) -> str:
        return "\n---\n".join(m.text for m in self.messages(chat_id))


def unescape(text: str) -> str:
    return html.unescape(text)
