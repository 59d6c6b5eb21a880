"""The one union-find helper: record numbers and labelled sets."""

from citegraph.graph.unionfind import LabelledSets, UnionFind


def test_union_keeps_the_lowest_root_and_roots_agree_with_find():
    sets = UnionFind(6)
    assert sets.union(4, 2) and sets.union(2, 5) and not sets.union(5, 4)
    assert sets.union(1, 3)
    assert [sets.find(i) for i in range(6)] == [0, 1, 2, 1, 2, 2]
    assert sets.roots().tolist() == [0, 1, 2, 1, 2, 2]


def test_link_keeps_the_chosen_root_and_sets_grow():
    sets = UnionFind(3)
    assert sets.link(2, 0)
    assert sets.find(0) == 2
    new = sets.add()
    assert new == 3 and sets.find(new) == 3 and len(sets) == 4


def test_labelled_sets_keep_the_chosen_representative():
    people = LabelledSets(["j-smith"])
    people.link("orcid:0000-0001", "j-smith")
    people.link("orcid:0000-0001", "john-smith")
    assert people.find("john-smith") == people.find("j-smith") == "orcid:0000-0001"
    assert people.find("jane-doe") == "jane-doe"  # unseen: its own set
