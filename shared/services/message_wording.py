"""Checking an admin's wording for an outgoing message, and filling it in, in Jinja's sandbox.

The wording is data, not code: plain text, `{{ placeholder }}` for the values the message offers
(shared/services/message_catalogue.py) and `{% if placeholder %}`, `{% else %}`, `{% endif %}`
lines around what depends on one. The parsed tree is checked node by node and anything else
(attributes, filters, calls, other tags) is refused; the sandbox then sees only the message's
values, as strings, and no globals. Links and lists come only from placeholders, each on a line of
its own (instructions too: a tag line vanishes with its line break, so a tag ending a line would
join the next one to it), and the text may not carry web addresses, so an admin cannot make a
message send people somewhere else. The subject is one line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from shared.services.message_catalogue import BLOCK, LINK, PLACEHOLDERS, Message

SUBJECT_LIMIT = 200
BODY_LIMIT = 5000

# Tag lines vanish whole (trim_blocks and lstrip_blocks), as in the standard templates.
_sandbox = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
_sandbox.globals.clear()  # nothing to call even if a check were missed
_WEB_ADDRESS = re.compile(r"[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:", re.IGNORECASE)
_LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_WHITESPACE_CONTROL = re.compile(r"\{[{%][-+]|[-+][%}]\}")
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_TAG_LINE = re.compile(r"\s*\{%[^{}%]*%\}\s*")
_ALLOWED_TAG = re.compile(r"\{%\s*(if|elif|else|endif)\b")


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


class WordingProblem(Exception):
    """Why wording cannot be used: problems by field ("subject", "body"), in the admin's language."""

    def __init__(self, problems: dict[str, list[str]]) -> None:
        super().__init__("; ".join(p for found in problems.values() for p in found))
        self.problems = problems


# --- checking -------------------------------------------------------------------------------------


def _syntax_problem(text: str, in_subject: bool) -> str | None:
    try:
        _sandbox.parse(text)
    except TemplateSyntaxError as error:
        if in_subject:
            return _("Check the placeholders in the subject: write each one as {{ name }}, with two curly brackets on "
                     "each side")
        return _("Check the placeholders and instructions on line %(line)s: write a placeholder as {{ name }} and an "
                 "instruction as {%% if name %%}, {%% else %%} or {%% endif %%}", line=error.lineno)
    return None


def _walk(body: list[nodes.Node], message: Message, found: list[str], used: set[str]) -> None:
    for node in body:
        if isinstance(node, nodes.Output):
            for part in node.nodes:
                if isinstance(part, nodes.TemplateData):
                    if _WEB_ADDRESS.search(part.data):
                        line = part.lineno + part.data[:_WEB_ADDRESS.search(part.data).start()].count("\n")
                        found.append(_("Remove the web address on line %(line)s: links can only come from the "
                                       "message's placeholders", line=line))
                elif isinstance(part, nodes.Name) and part.ctx == "load":
                    _known(part.name, message, found, used)
                else:
                    found.append(_("Check the placeholder on line %(line)s: write it as {{ name }}, with only the "
                                   "placeholder's name inside", line=part.lineno))
        elif isinstance(node, nodes.If):
            test = node.test.node if isinstance(node.test, nodes.Not) else node.test
            if isinstance(test, nodes.Name) and test.ctx == "load":
                _known(test.name, message, found, used)
            else:
                found.append(_("Check the instruction on line %(line)s: {%% if %%} can only test one placeholder, as "
                               "in {%% if %(example)s %%}", line=node.lineno, example=message.placeholders[0]))
            _walk(node.body, message, found, used)
            for branch in node.elif_:
                _walk([branch], message, found, used)
            _walk(node.else_, message, found, used)
        else:
            found.append(_remove_instruction(node.lineno))


def _remove_instruction(line: int) -> str:
    return _("Remove the instruction on line %(line)s: messages can only contain text, placeholders and "
             "{%% if %%}, {%% else %%} and {%% endif %%}", line=line)


def _known(name: str, message: Message, found: list[str], used: set[str]) -> None:
    if name in message.placeholders:
        used.add(name)
    else:
        found.append(_("Remove {{ %(name)s }}: this message has no placeholder called %(name)s", name=name))


def _line_problems(text: str, message: Message) -> list[str]:
    """Links and lists on lines of their own, and instructions too (a tag line vanishes with its
    line break, so a tag at the end of a line would join the next line, a link perhaps, to it)."""
    found: list[str] = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "{%" in line or "%}" in line:
            if not _ALLOWED_TAG.search(line):  # e.g. {% raw %}, which leaves no node for the tree check
                found.append(_remove_instruction(number))
            elif not _TAG_LINE.fullmatch(line):
                found.append(_("Put the instruction on line %(line)s on a line of its own", line=number))
            continue
        if line.count("{{") != len(_PLACEHOLDER.findall(line)) or line.count("}}") != line.count("{{"):
            found.append(_("Check the placeholders on line %(line)s: write each one as {{ name }} on one line",
                           line=number))
            continue
        for match in _PLACEHOLDER.finditer(line):
            name = match.group(1)
            if name in PLACEHOLDERS and PLACEHOLDERS[name].kind in (LINK, BLOCK) and line.strip() != match.group(0):
                found.append(_("Put {{ %(name)s }} on a line of its own: nothing else can go on the same line as a "
                               "link or a list", name=name))
    return found


def check(message: Message, subject: str, body: str) -> dict[str, list[str]]:
    """What is wrong with this wording, by field; empty when it can be saved."""
    problems: dict[str, list[str]] = {}
    subject, body = subject or "", (body or "").replace("\r\n", "\n")
    found: list[str] = []
    if not subject.strip():
        found.append(_("Enter the subject"))
    elif any(ch in _LINE_BREAKS or unicodedata.category(ch) in ("Zl", "Zp") for ch in subject):
        found.append(_("The subject must be on one line"))
    elif len(subject) > SUBJECT_LIMIT:
        found.append(_("The subject must be %(limit)s characters or fewer", limit=SUBJECT_LIMIT))
    elif "{%" in subject or "%}" in subject:
        found.append(_("Remove the instruction in {% %} from the subject: the subject can only contain text and "
                       "placeholders"))
    elif _WHITESPACE_CONTROL.search(subject):
        found.append(_("Remove the “-” or “+” inside the curly brackets"))
    elif problem := _syntax_problem(subject, in_subject=True):
        found.append(problem)
    else:
        used: set[str] = set()
        _walk(_sandbox.parse(subject).body, message, found, used)
        for name in sorted(used):
            if PLACEHOLDERS[name].kind in (LINK, BLOCK):
                found.append(_("Remove {{ %(name)s }} from the subject: links and lists go in the message", name=name))
    if found:
        problems["subject"] = found

    found = []
    if not body.strip():
        found.append(_("Enter the message"))
    elif len(body) > BODY_LIMIT:
        found.append(_("The message must be %(limit)s characters or fewer", limit=f"{BODY_LIMIT:,}"))
    elif _WHITESPACE_CONTROL.search(body):
        found.append(_("Remove the “-” or “+” inside the curly brackets"))
    elif problem := _syntax_problem(body, in_subject=False):
        found.append(problem)
    else:
        used = set()
        _walk(_sandbox.parse(body).body, message, found, used)
        found.extend(_line_problems(body, message))
        for name in message.required:
            if name not in used:
                found.append(_("Add {{ %(name)s }} on a line of its own: this message must include it", name=name))
    if found:
        problems["body"] = list(dict.fromkeys(found))
    return problems


def fill(wording: Wording, values: dict[str, str]) -> tuple[str, str]:
    """Wording that passed `check`, filled with `values`: (subject, body)."""
    try:
        subject = _sandbox.from_string(wording.subject).render(values)
        body = _sandbox.from_string(wording.body.replace("\r\n", "\n")).render(values)
    except (SecurityError, UndefinedError) as error:  # unreachable after the check; kept as a second lock
        raise WordingProblem({"body": [str(error)]}) from None
    return subject, body
