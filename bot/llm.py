"""The OpenAI chat-completions protocol over httpx: what `PAPERBOT_LLM_URL` points at.

llama.cpp's server, vLLM, Ollama and hosted services all accept it. The API key travels only in the
Authorization header; errors are reported by type and status, never with the request.
"""

from __future__ import annotations

from typing import Any

import httpx

from retrieval.errors import ModelUnavailable
from retrieval.writer import Message

MAX_TOKENS = 300


class ChatCompletions:
    """`complete(messages) -> reply text` for `retrieval.writer.AnswerWriter`; one connection pool."""

    def __init__(
        self,
        url: str,
        api_key: str = "",
        model: str = "",
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.model = model or "default"  # llama.cpp ignores the name; vLLM, Ollama and hosted APIs need theirs
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(headers=headers, timeout=timeout, transport=transport)

    def __call__(self, messages: list[Message]) -> str:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0, "max_tokens": MAX_TOKENS}
        try:
            response = self._client.post(self.url, json=body)
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except httpx.HTTPStatusError as exc:
            raise ModelUnavailable(f"the model endpoint answered HTTP {exc.response.status_code}") from None
        except httpx.HTTPError as exc:
            raise ModelUnavailable(f"the model endpoint could not be reached ({type(exc).__name__})") from None
        except (ValueError, LookupError, TypeError):
            raise ModelUnavailable("the model endpoint's reply is not a chat completion") from None
        if not isinstance(content, str):
            raise ModelUnavailable("the model's reply has no text")
        return content

    def close(self) -> None:
        self._client.close()
