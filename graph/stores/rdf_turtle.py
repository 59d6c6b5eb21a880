"""A Turtle serializer that keeps every double exactly.

rdflib's Turtle writer prints ``xsd:double`` values in the short ``1.234568e-01`` form,
six significant digits, so a similarity score would not survive a round trip. This
subclass writes doubles as ``"0.123456789"^^xsd:double`` with Python's shortest exact
representation; everything else is rdflib's output unchanged.
"""

from __future__ import annotations

from rdflib.namespace import XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer
from rdflib.term import Literal, Node


class ExactTurtleSerializer(TurtleSerializer):
    """Turtle with lossless doubles (see the module docstring)."""

    def label(self, node: Node, position: int) -> str:
        if isinstance(node, Literal) and node.datatype in (XSD.double, XSD.float):
            return node._literal_n3(
                use_plain=False, qname_callback=lambda dt: self.get_pname(dt, False)
            )
        return super().label(node, position)
