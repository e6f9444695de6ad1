"""Parsing XML that comes from outside (XLIFF, TBX): expat through defusedxml, with limits.

Entity declarations and external references are refused before anything is expanded or fetched;
a DOCTYPE naming an external DTD alone is accepted and never read (libxml2 would go and read it,
even with `load_dtd=False`, to resolve an undeclared entity); an internal subset is refused; element
counts and nesting are bounded before memory or recursion suffer. Every refusal is a BadInput
naming the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError, TreeBuilder
from xml.parsers import expat

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from workstation.errors import BadInput


@dataclass(frozen=True)
class XmlKind:
    """How refusals name the format: "an XLIFF file", "XLIFF", and what the person can do about it."""

    article: str  # "an XLIFF file"
    name: str  # "XLIFF"
    advice: str  # "export the XLIFF again from your CAT tool"
    too_many: str  # "too many for the XLIFF of one article"
    max_elements: int
    max_depth: int


class _Refused(Exception):
    pass


class _InternalSubset(Exception):
    pass


class _BoundedBuilder(TreeBuilder):
    def __init__(self, kind: XmlKind) -> None:
        super().__init__()
        self._kind = kind
        self.count = 0
        self.depth = 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        self.count += 1
        self.depth += 1
        if self.count > self._kind.max_elements:
            raise _Refused(f"has more than {self._kind.max_elements} elements, {self._kind.too_many}")
        if self.depth > self._kind.max_depth:
            raise _Refused(f"has elements nested more than {self._kind.max_depth} deep, {self._kind.too_many}")
        return super().start(tag, attrs)

    def end(self, tag: str) -> Element:
        self.depth -= 1
        return super().end(tag)


class _Parser(DefusedXMLParser):
    def __init__(self, kind: XmlKind) -> None:
        super().__init__(target=_BoundedBuilder(kind), forbid_dtd=False, forbid_entities=True, forbid_external=True)
        self._internal_subset = False
        self.parser.StartDoctypeDeclHandler = self._doctype_start
        self.parser.EndDoctypeDeclHandler = self._doctype_end
        self.parser.SkippedEntityHandler = self._skipped_entity

    def _doctype_start(self, _name: str, _system: str | None, _public: str | None, has_internal_subset: int) -> None:
        self._internal_subset = bool(has_internal_subset)

    def _doctype_end(self) -> None:
        # Refused at the end so that entity declarations, the dangerous case, get their own message first.
        if self._internal_subset:
            raise _InternalSubset()

    def _skipped_entity(self, entity_name: str, _is_parameter: int) -> None:
        raise _Refused(f"refers to the entity &{entity_name};, which is not allowed; nothing was read")


def parse_untrusted(data: bytes, name: str, kind: XmlKind) -> Element:
    """The document's root element, or BadInput saying what is wrong with `name`."""
    if not data.strip():
        raise BadInput(f"{name} is empty; it is not {kind.article}")
    parser = _Parser(kind)
    try:
        parser.feed(data)
        return parser.close()
    except EntitiesForbidden as error:
        raise BadInput(
            f"{name} declares entities (<!ENTITY {error.name} …>), which is not allowed: entities can expand to "
            f"gigabytes of text or read other files; {kind.advice}"
        ) from error
    except ExternalReferenceForbidden as error:
        raise BadInput(f"{name} refers to an external entity, which is not allowed; nothing was read") from error
    except _InternalSubset as error:
        raise BadInput(
            f"{name} has a DOCTYPE with an internal subset (declarations inside [ ]), which is not allowed in "
            f"{kind.name}"
        ) from error
    except _Refused as error:
        raise BadInput(f"{name} {error}") from error
    except DefusedXmlException as error:
        raise BadInput(f"{name} contains XML constructs that are not allowed ({error})") from error
    except (ParseError, expat.ExpatError) as error:
        raise BadInput(f"{name} is not well-formed XML ({error}); it may be truncated or damaged") from error
    except (ValueError, LookupError) as error:  # an encoding expat cannot read
        raise BadInput(f"{name} uses an encoding that cannot be read ({error}); save it as UTF-8") from error
