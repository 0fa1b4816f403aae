"""bot/chat.py: the terminal chat over StringIO, through the same real library path as Telegram."""

from __future__ import annotations

import io

import pytest

from bot.chat import run_chat
from tests.corpus import HOSTILE_ID, RecordingLibrary

SPEC = "2605.30580"  # Speculative Decoding Across Languages


class InterruptedInput(io.StringIO):
    """Input whose next line is a Ctrl-C."""

    def readline(self, size: int = -1, /) -> str:  # type: ignore[override]  # typeshed: _IOBase says bytes
        line = super().readline(size)
        if not line:
            raise KeyboardInterrupt
        return line


def chat(lines: str, library: RecordingLibrary) -> str:
    stdout = io.StringIO()
    run_chat(library, io.StringIO(lines), stdout)
    return stdout.getvalue()


def test_questions_follow_the_current_paper(recording_library: RecordingLibrary) -> None:
    out = chat(f"what is {SPEC} about?\n\nwhat method did they use?\n", recording_library)
    assert out.startswith("paperbot: ask about a paper")
    assert f"Speculative Decoding Across Languages ({SPEC})\n\n" in out
    assert f"Source: the abstract, https://arxiv.org/abs/{SPEC}" in out
    assert recording_library.questions == [(f"what is {SPEC} about?", None), ("what method did they use?", SPEC)]
    assert out.endswith("\nBye.\n")


def test_commands(recording_library: RecordingLibrary) -> None:
    out = chat(
        f"/help\n/paper\n/paper 0000.00000\n/paper {SPEC}\nwho wrote it?\n/nope\n/quit\nnot read\n", recording_library
    )
    assert "/paper ID" in out and "Usage: /paper 2405.08597" in out and "I don't have that paper." in out
    assert f"Speculative Decoding Across Languages\narXiv:{SPEC}\nNirajan Paudel" in out
    assert "Written by Nirajan Paudel, Michael Ginn, Luc De Nardi, Alexis Palmer." in out
    assert "Unknown command /nope; /help lists them." in out
    assert recording_library.questions == [("who wrote it?", SPEC)]


def test_errors_are_one_line_and_logged(recording_library: RecordingLibrary, caplog: pytest.LogCaptureFixture) -> None:
    out = chat("explode\n/ask\n", recording_library)
    assert "Sorry, something went wrong while answering." in out and "Traceback" not in out
    assert "Ask me about a paper" in out
    assert caplog.records[-1].exc_info is not None


def test_ctrl_c_ends_cleanly(recording_library: RecordingLibrary) -> None:
    stdout = io.StringIO()
    run_chat(recording_library, InterruptedInput(f"what is {SPEC} about?\n"), stdout)
    assert "Speculative Decoding Across Languages" in stdout.getvalue()
    assert stdout.getvalue().endswith("\nBye.\n")


def test_control_characters_never_reach_the_terminal(recording_library: RecordingLibrary) -> None:
    out = chat(f"what is {HOSTILE_ID} about?\x1b[2J\x07\n/paper {HOSTILE_ID}\n", recording_library)
    assert "Markup <b>in</b> titles & other <hazards>" in out  # text, shown as it is written
    assert "\x1b" not in out and "\x07" not in out
