"""Translated editions: complete catalogs, drift caught by cell, formulas and terms kept, code untouched."""

import shutil

import nbformat
import polib
import pytest
from support.course import EDITIONS, ROOT
from typer.testing import CliRunner

from coursekit import build, cli
from coursekit.i18n import catalog, edition, feedback

each_edition = pytest.mark.parametrize(("name", "assignment", "language"),
                                       [(name, *pair) for name, pair in EDITIONS.items()])


@pytest.fixture
def course_copy(tmp_path):
    """A course holding deep_linear_networks, its catalog and its edition, to change at will."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    for folder in ("deep_linear_networks", "deep_linear_networks_ja"):
        shutil.copytree(ROOT / "source" / folder, tmp_path / "source" / folder)
    return tmp_path


def change_markdown(root, cell_id, text):
    path = build.source_path("deep_linear_networks", root)
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.id == cell_id)
    cell.source = text(cell.source)
    nbformat.write(nb, path)


def test_editions_are_found_from_catalogs_and_are_not_assignments():
    assert EDITIONS == {"deep_linear_networks_ja": ("deep_linear_networks", "ja")}
    assert catalog.catalog_path("deep_linear_networks", "ja", ROOT).parent.name == build.LOCALE
    assert "deep_linear_networks_ja" not in build.assignments(ROOT)
    assert "deep_linear_networks" in build.assignments(ROOT)


@each_edition
def test_catalog_is_complete_and_the_edition_fresh(name, assignment, language):
    assert edition.check(assignment, language, ROOT) == [], "run `coursekit i18n update`, translate, build"
    entries = [e for e in catalog.load(assignment, language, ROOT) if not e.obsolete]
    assert len(entries) > 40 and all(e.msgstr and not e.fuzzy for e in entries)


@each_edition
def test_every_formula_of_an_english_cell_is_in_its_translation(name, assignment, language):
    usable = catalog.translations(catalog.load(assignment, language, ROOT))
    markdown = [p for p in catalog.pieces(assignment, ROOT) if "/" not in p.context]
    formulas = 0
    for piece in markdown:
        for formula in catalog.FORMULA.finditer(piece.english):
            formulas += 1
            assert formula.group(0) in usable[piece.context].msgstr, (piece.context, formula.group(0))
    assert formulas > 50


@each_edition
def test_the_seeds_slips_are_not_copied(name, assignment, language):
    text = "\n".join(e.msgstr for e in catalog.load(assignment, language, ROOT))
    for slip in ("フナ", "ツナ", "幻想的相関", "構文的に", "表現類似性行列"):
        assert slip not in text, slip
    for term in ("金魚", "マグロ", "錯覚的相関", "人工的に生成", "表現類似度行列", "特異値"):
        assert term in text, term


@each_edition
def test_code_stays_english(name, assignment, language):
    english = nbformat.read(build.source_path(assignment, ROOT), as_version=4)
    translated = nbformat.read(build.source_path(name, ROOT), as_version=4)
    assert [c.id for c in english.cells] == [c.id for c in translated.cells]
    assert [c.metadata for c in english.cells] == [c.metadata for c in translated.cells]
    for before, after in zip(english.cells, translated.cells):
        if before.cell_type == "code" and not catalog.is_grade_cell(before):
            assert after.source == before.source, before.id
        elif before.cell_type == "code":  # visible asserts translated, checks in the language
            untagged = after.source.replace(f', language="{language}")', ")")
            assert untagged.count("\n") == before.source.count("\n")
            assert after.source.count(f'language="{language}"') == before.source.count("check(")
        else:
            assert after.source != before.source, f"markdown cell {before.id} is not translated"


@each_edition
def test_translated_release_leaks_nothing(name, assignment, language):
    text = build.release_path(name, ROOT).read_text(encoding="utf-8")
    for marker in ("BEGIN SOLUTION", "HIDDEN TESTS", "coursekit import", "check(", "language=", "模範解答。"):
        assert marker not in text, marker
    solutions = nbformat.read(build.source_path(assignment, ROOT), as_version=4)
    for cell in solutions.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            body = cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0]
            leaked = [line for line in body.split("\n") if len(line.strip()) > 12 and line in text]
            assert not leaked, leaked


def test_catalogs_are_not_released():
    assert not (ROOT / "release" / "deep_linear_networks" / "locale").exists()
    assert not list((ROOT / "release").glob("**/*.po"))


def test_a_changed_english_cell_is_named_until_it_is_translated_again(course_copy, monkeypatch):
    assert edition.check("deep_linear_networks", "ja", course_copy) == []
    change_markdown(course_copy, "2a32fe22", lambda text: text + " and configuration")
    problems = edition.check("deep_linear_networks", "ja", course_copy)
    assert any("2a32fe22" in p and "English text changed" in p for p in problems), problems
    monkeypatch.chdir(course_copy)
    runner = CliRunner()
    failed = runner.invoke(cli.app, ["i18n", "check"])
    assert failed.exit_code == 1 and "2a32fe22" in failed.output
    assert runner.invoke(cli.app, ["i18n", "update", "deep_linear_networks", "ja"]).exit_code == 0
    entries = catalog.load("deep_linear_networks", "ja", course_copy)
    entry = next(e for e in entries if e.msgctxt == "2a32fe22")
    assert entry.fuzzy and entry.previous_msgid == "## Setup" and entry.msgstr == "## セットアップ"
    problems = edition.check("deep_linear_networks", "ja", course_copy)
    assert [p for p in problems if "2a32fe22" in p and "fuzzy" in p] and len(problems) == 1, problems
    path = catalog.catalog_path("deep_linear_networks", "ja", course_copy)
    po = polib.pofile(str(path))
    fixed = next(e for e in po if e.msgctxt == "2a32fe22")
    fixed.msgstr, fixed.flags = "## セットアップと設定", []
    po.save(str(path))
    assert runner.invoke(cli.app, ["i18n", "check"]).exit_code == 1, "the edition notebook is stale"
    assert runner.invoke(cli.app, ["i18n", "build"]).exit_code == 0
    assert runner.invoke(cli.app, ["i18n", "check"]).exit_code == 0
    built = nbformat.read(build.source_path("deep_linear_networks_ja", course_copy), as_version=4)
    assert next(c for c in built.cells if c.id == "2a32fe22").source == "## セットアップと設定"


def test_changed_visible_test_message_and_new_cell_are_caught(course_copy):
    path = build.source_path("deep_linear_networks", course_copy)
    nb = nbformat.read(path, as_version=4)
    grade = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "test_net_rsm")
    grade.source = grade.source.replace("expected (3, 3)", "expected (3, 3) items x items")
    nb.cells.insert(1, nbformat.v4.new_markdown_cell("A new paragraph."))
    nb.cells = [c for c in nb.cells if c.id != "2a32fe22"]  # "## Setup" deleted
    nbformat.write(nb, path)
    # assert-1 of test_net_rsm checks the type, assert-2 the shape
    problems = edition.check("deep_linear_networks", "ja", course_copy)
    assert any(f"{grade.id}/assert-2" in p and "changed" in p for p in problems), problems
    assert any(nb.cells[1].id in p and "no entry" in p for p in problems), problems
    done = catalog.update("deep_linear_networks", "ja", course_copy)
    assert done["added"] == [nb.cells[1].id] and done["changed"] == [f"{grade.id}/assert-2"]
    assert done["obsolete"] == ["2a32fe22"]
    problems = edition.check("deep_linear_networks", "ja", course_copy)
    assert not [p for p in problems if "2a32fe22" in p], "an obsolete entry is not a problem"


def test_missing_formula_bad_literal_and_avoided_term_are_reported(course_copy):
    path = catalog.catalog_path("deep_linear_networks", "ja", course_copy)
    po = polib.pofile(str(path))
    by = {e.msgctxt: e for e in po if e.msgctxt != feedback.FEEDBACK}
    by["7412d961"].msgstr = by["7412d961"].msgstr.replace("($\\eta$)", "()")  # the seed's lost formulas
    by["0afbbc55/assert-2"].msgstr = 'f"標準偏差が {st:.6f} です"'
    by["a2f754ae"].msgstr += " 幻想的相関"
    po.save(str(path))
    problems = edition.check("deep_linear_networks", "ja", course_copy)
    assert any("7412d961" in p and "formula '$\\\\eta$'" in p for p in problems), problems
    assert any("0afbbc55/assert-2" in p and "same fields" in p for p in problems), problems
    assert any("a2f754ae" in p and "幻想的相関" in p and "錯覚的相関" in p for p in problems), problems


def test_feedback_patterns_translate_nested_messages():
    translator = feedback.translator("deep_linear_networks", "ja")
    english = ("net_rsm is not right yet.\n"
               "- net_rsm(h of shape (5, 5)): the RSM differs from the expected values at 25 of 25 entries; "
               "at index (2, 2) it is 2.8556, expected 15.6166. One row and one column per item: h @ h.T.\n"
               "- net_rsm(h of shape (8, 30)): net_rsm raised RuntimeError: shapes cannot be multiplied\n"
               "Hint: the matrix of dot products between the items' hidden activities, "
               "h @ h.T (items x items).")
    assert translator.message(english).split("\n") == [
        "net_rsm はまだ正しくありません。",
        "- net_rsm(h of shape (5, 5)): RSM は 25 個の要素のうち 25 個で期待値と異なります。"
        "インデックス (2, 2) では 2.8556 ですが、15.6166 のはずです。 "
        "アイテムごとに 1 行と 1 列です: h @ h.T。",
        "- net_rsm(h of shape (8, 30)): net_rsm が例外を送出しました: "
        "RuntimeError: shapes cannot be multiplied",
        "ヒント: アイテムの隠れ層の活動どうしのドット積の行列、h @ h.T (アイテム x アイテム) "
        "を返してください。"]
    assert translator.untranslated("something the catalog has never seen") == [
        "something the catalog has never seen"]
    assert feedback.translate(english, "deep_linear_networks", None) == english
    # a student's long exception message is left as it is (nested patterns would take long to match)
    flood = "- x: net_rsm raised ValueError: " + "layer 1 (n_in=2, n_out=3): " * 100 + "the weights"
    assert translator.message(flood) == flood
