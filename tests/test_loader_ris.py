from conftest import by_title, load, messages


def test_tag_variants_and_identifiers():
    records, _ = load("export.ris")
    papers = by_title(records)
    resnet = papers["Deep Residual Learning for Image Recognition"]
    assert resnet.ids == {"doi": "10.1109/cvpr.2016.90"}  # resolver prefix and case folded
    assert resnet.authors == ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"]
    assert resnet.venue == "Proceedings of CVPR" and resnet.year == 2016
    conf = papers["Graph Methods for Citation Analysis"]  # T1, A1, Y1, T2, N2, UR
    assert conf.year == 2020 and conf.ids == {"arxiv": "2006.01234"}
    assert conf.abstract.startswith("Abstract given in N2")
    assert conf.venue == "Proceedings of the Workshop on Scholarly Graphs"


def test_mojibake_is_repaired():
    papers = by_title(load("export.ris")[0])
    fixed = papers["Müller and the Mojibake Problem"]
    assert fixed.authors == ["Jörg Müller"]


def test_untitled_and_truncated_records_are_reported():
    records, report = load("export.ris")
    assert len(records) == 3
    text = "\n".join(messages(report))
    assert "export.ris:line 22: error: record has no title" in text
    assert "export.ris:line 33: error: record has no ER line" in text
