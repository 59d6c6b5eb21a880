"""Author nodes: one per person, as far as identifiers and co-authors tell.

An author occurrence that carries an identifier (ORCID, then Scopus, Semantic Scholar,
OpenAlex author id) is that identifier's person; occurrences sharing any identifier are
one person. Other occurrences are known by their folded name, and two name variants of one
family name with compatible given names ("J. Smith", "John Smith", "J. A. Smith") are one
person only when they share a co-author: a name alone is too common to decide. A name-only
occurrence joins an identified person the same way, when exactly one identified person
goes by a compatible name. Placeholders for a missing name never become authors.
"""

from __future__ import annotations

from collections import defaultdict

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.unionfind import LabelledSets
from citegraph.loaders import names
from citegraph.loaders.records import PaperRecord

#: Author identifier kinds, strongest first, and the Author properties that hold them.
AUTHOR_ID_PROPERTY = {"orcid": S.ORCID, "scopus": S.SCOPUS_AUTHOR_ID, "s2": S.S2_AUTHOR_ID,
                      "openalex": S.OPENALEX_AUTHOR_ID, "researcherid": S.RESEARCHER_ID}


#: Persons sharing one co-author family name beyond this are not compared pairwise (a
#: family name that common among co-authors says little).
MAX_SHARING = 50


def _join(sets: LabelledSets[str], a: str, b: str) -> None:
    """One person: an identifier key (with ':') names the person, else the fullest name."""
    ra, rb = sets.find(a), sets.find(b)
    if ra != rb:
        keep, drop = sorted((ra, rb), key=lambda k: (":" not in k, -len(k), k))
        sets.link(keep, drop)


def _split(key: str) -> tuple[str, list[str]]:
    """Family name and given-name parts of a folded name key ("john-a-smith")."""
    parts = key.split("-")
    return parts[-1], parts[:-1]


def _compatible(a: list[str], b: list[str]) -> bool:
    """Given names that can be one person's: each part equal or an initial of the other."""
    if not a or not b:
        return False
    for x, y in zip(a, b, strict=False):
        if not (x == y or (len(x) == 1 and y.startswith(x)) or (len(y) == 1 and x.startswith(y))):
            return False
    return True


def add_authors(kg: KnowledgeGraph, papers: list[PaperRecord], paper_ids: list[str]) -> None:
    """Author nodes and AUTHORED edges (with position) for every paper."""
    sets: LabelledSets[str] = LabelledSets()
    occurrences: list[tuple[int, int, str, str]] = []  # paper, position, name, key
    found_ids: dict[str, dict[str, str]] = defaultdict(dict)
    for p, record in enumerate(papers):
        for position, name in enumerate(record.authors, start=1):
            key = names.author_key(name)
            if not key or names.is_placeholder(name):
                continue
            ids = record.author_ids[position - 1] if len(record.author_ids) >= position else {}
            id_keys = [f"{kind}:{ids[kind]}" for kind in AUTHOR_ID_PROPERTY if ids.get(kind)]
            for id_key in id_keys[1:]:
                _join(sets, id_keys[0], id_key)
            own = id_keys[0] if id_keys else key
            sets.find(own)
            for kind in AUTHOR_ID_PROPERTY:
                if ids.get(kind):
                    found_ids[own].setdefault(kind, ids[kind])
            occurrences.append((p, position, name, own))
    _merge_variants(sets, occurrences)
    best_name: dict[str, str] = {}
    person_ids: dict[str, dict[str, str]] = defaultdict(dict)
    for _, _, name, own in occurrences:
        root = sets.find(own)
        if len(name) > len(best_name.get(root, "")):
            best_name[root] = name
        for kind, value in found_ids.get(own, {}).items():
            person_ids[root].setdefault(kind, value)
    for p, position, _, own in occurrences:
        root = sets.find(own)
        props = {S.NAME: best_name[root]}
        props.update({AUTHOR_ID_PROPERTY[k]: v for k, v in person_ids[root].items()})
        author = kg.add_node(S.AUTHOR, root, **props)
        kg.add_edge(S.AUTHORED, author, paper_ids[p], **{S.POSITION: position})


def author_ids_by_paper(kg: KnowledgeGraph) -> dict[str, list[dict[str, str]]]:
    """Per paper node id, the identifiers of its authors in author-list order (an empty
    dict for an author without one): what a saved graph keeps of the records' author ids,
    so its papers can be merged again (an append) without losing them."""
    positions: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
    for author, paper, _, props in kg.edges(S.AUTHORED):
        node = kg.node(author)
        ids = {kind: node[prop] for kind, prop in AUTHOR_ID_PROPERTY.items() if node.get(prop)}
        position = props.get(S.POSITION)
        if ids and isinstance(position, int):
            positions[paper][position] = ids
    return {paper: [found.get(p, {}) for p in range(1, max(found) + 1)]
            for paper, found in positions.items()}


def _initialled(key: str) -> str:
    """A folded name as family name and first initial ("smith-j"): what every variant of
    one person's name keeps, so co-authors are recognised across their own variants."""
    family, given = _split(key)
    return f"{family}-{given[0][0]}" if given else family


def _merge_variants(sets: LabelledSets[str], occurrences: list[tuple[int, int, str, str]]) -> None:
    """Join name variants (and names to identified persons) that share a co-author.

    A co-author is known by family name and first initial, which all variants of one name
    share. Each candidate pair of a name group is compared once, however many co-authors
    the two share; a co-author shared by more than :data:`MAX_SHARING` persons of one
    name group is not used (it says little and would cost pairs growing with its square).
    """
    by_paper: dict[int, list[str]] = defaultdict(list)
    name_of: dict[str, set[str]] = defaultdict(set)  # person -> folded names
    for p, _, name, own in occurrences:
        by_paper[p].append(own)
        name_of[own].add(names.author_key(name))
    coauthors: dict[str, set[str]] = defaultdict(set)  # person -> co-authors, initialled
    for people in by_paper.values():
        initialled = {own: {_initialled(k) for k in name_of[own]} for own in people}
        for own in people:
            for other in people:
                if other != own:
                    coauthors[own] |= initialled[other]

    def fits(a: str, b: str) -> bool:
        """Every name of one fits every name of the other."""
        return all(_compatible(_split(x)[1], _split(y)[1])
                   for x in name_of[a] for y in name_of[b])

    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for own, keys in name_of.items():
        for key in keys:
            family, given = _split(key)
            if given:
                groups[(family, given[0][0])].append(own)
    for members in groups.values():
        members = sorted(set(members))
        if len(members) < 2:
            continue
        by_coauthor: dict[str, list[str]] = defaultdict(list)
        for own in members:
            for coauthor in coauthors[own]:
                by_coauthor[coauthor].append(own)
        identified = [m for m in members if ":" in m]
        candidates: set[tuple[str, str]] = set()
        for sharing in by_coauthor.values():
            if len(sharing) > MAX_SHARING:
                continue
            for i, a in enumerate(sharing):
                for b in sharing[i + 1:]:
                    if ":" in a and ":" in b:
                        continue  # two identifiers are two people
                    if (":" in a or ":" in b) and len(identified) != 1:
                        continue  # a bare name joins an identified person only if unique
                    candidates.add((a, b))
        partners: dict[str, set[str]] = defaultdict(set)
        for a, b in candidates:
            if fits(a, b):
                partners[a].add(b)
                partners[b].add(a)
        # "J. Smith" sharing co-authors with both "John Smith" and "Jane Smith" is
        # ambiguous and joins neither
        for a in sorted(partners):
            for b in sorted(partners[a]):
                if all(fits(b, c) for c in partners[a] - {b}) and \
                        all(fits(a, c) for c in partners[b] - {a}):
                    _join(sets, a, b)
