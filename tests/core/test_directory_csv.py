"""The directory: CSV import (every bad row reported at once, nothing imported on any
error) and lookups (explicit entries, then the homeserver domain)."""

from __future__ import annotations

import dataclasses

import pytest

from busbaan.consent import Professional
from busbaan.directory import Directory, DirectoryImportError, parse_directory_csv


def with_default_role(policy, org_id: str, role: str, homeservers: tuple[str, ...] | None = None):
    return dataclasses.replace(policy, organisations=tuple(
        dataclasses.replace(o, default_role=role,
                            homeservers=homeservers if homeservers is not None else o.homeservers)
        if o.id == org_id else o
        for o in policy.organisations))


def test_csv_with_user_ids(policy):
    """Rows with a user_id column become Professionals with organisation, team and role."""
    text = ("user_id,display_name,organisation,team,role\n"
            "@anna:inkomen.busbaan.example,Anna de Vries,inkomen,Team Noord,klantmanager\n"
            "@bas:ggd.busbaan.example, Bas ,ggd,,arts\n")
    assert parse_directory_csv(text, policy) == [
        Professional("@anna:inkomen.busbaan.example", "inkomen", "klantmanager", "Team Noord",
                     "Anna de Vries"),
        Professional("@bas:ggd.busbaan.example", "ggd", "arts", "", "Bas"),
    ]


def test_csv_with_localparts_and_server_name(policy):
    """Rows with a localpart column get the server name given to the import."""
    text = "localpart,organisation,role\nanna,inkomen,consulent\n"
    [p] = parse_directory_csv(text, policy, server_name="inkomen.busbaan.example")
    assert p.user_id == "@anna:inkomen.busbaan.example" and p.role == "consulent"


def test_csv_user_id_wins_over_localpart(policy):
    """When both columns are filled, the user_id is used."""
    text = ("user_id,localpart,organisation,role\n"
            "@echt:wmo.busbaan.example,anders,wmo,wmo-consulent\n")
    [p] = parse_directory_csv(text, policy, server_name="x.example")
    assert p.user_id == "@echt:wmo.busbaan.example"


def test_localpart_without_server_name_is_an_error(policy):
    """A localpart row without a server name is refused with its line."""
    with pytest.raises(DirectoryImportError) as caught:
        parse_directory_csv("localpart,organisation,role\nanna,inkomen,consulent\n", policy)
    assert "regel 2" in caught.value.nl and "server name" in caught.value.en


def test_missing_columns(policy):
    """A CSV without the organisation, role or user columns is refused as a whole."""
    for header in ("user_id,organisation\n", "organisation,role\n", "", "naam,org,rol\n"):
        with pytest.raises(DirectoryImportError) as caught:
            parse_directory_csv(header + "@a:b,inkomen\n", policy)
        assert "columns missing" in caught.value.en
        assert caught.value.errcode == "BB_DIRECTORY_INVALID"


def test_every_bad_row_is_reported_and_nothing_imported(policy):
    """Every bad row is reported with its line number, and no row is returned."""
    text = (
        "user_id,display_name,organisation,team,role\n"      # 1
        "@goed:inkomen.busbaan.example,,inkomen,,consulent\n"  # 2 fine
        "anna,,inkomen,,consulent\n"                          # 3 not a Matrix id
        "@b:inkomen.busbaan.example,,kredietbank,,consulent\n"  # 4 unknown organisation
        "@c:inkomen.busbaan.example,,inkomen,,kok\n"          # 5 unknown role
        "@goed:inkomen.busbaan.example,,inkomen,,consulent\n"  # 6 twice
        "@d e:inkomen.busbaan.example,,inkomen,,consulent\n"  # 7 space in the id
        "@:inkomen.busbaan.example,,inkomen,,consulent\n"     # 8 empty localpart
        "@f:,,inkomen,,consulent\n"                           # 9 empty server
    )
    with pytest.raises(DirectoryImportError) as caught:
        parse_directory_csv(text, policy, source="team.csv")
    lines_nl = caught.value.nl.splitlines()
    lines_en = caught.value.en.splitlines()
    assert lines_nl[0] == "team.csv: niets geïmporteerd, want:"
    assert [line.split(":")[0] for line in lines_en[1:]] == [
        "line 3", "line 4", "line 5", "line 6", "line 7", "line 8", "line 9"]
    assert "kredietbank" in lines_en[2] and "humanitas" in lines_en[2]  # lists the known ones
    assert "'kok'" in lines_en[3] and "klantmanager" in lines_en[3]
    assert "appears twice" in lines_en[4]


def test_line_numbers_count_blank_lines_and_quoted_newlines(policy):
    """Line numbers are those of the file, also after blank lines and multi-line fields."""
    text = (
        "user_id,display_name,organisation,team,role\n"   # 1
        '@a:inkomen.busbaan.example,"Anna\nde Vries",inkomen,,consulent\n'  # 2-3
        "\n"                                                # 4
        "@b:inkomen.busbaan.example,,kredietbank,,consulent\n"  # 5
    )
    with pytest.raises(DirectoryImportError) as caught:
        parse_directory_csv(text, policy)
    assert caught.value.en.splitlines()[1].startswith("line 5:")


def test_spreadsheet_csv_with_bom_and_padded_headers(policy):
    """A byte-order mark and spaces or capitals in the header row are accepted."""
    text = "\ufeffUser_ID , Organisation,role\n@a:wmo.busbaan.example,wmo,wmo-consulent\n"
    [p] = parse_directory_csv(text, policy)
    assert (p.user_id, p.organisation) == ("@a:wmo.busbaan.example", "wmo")


def test_empty_csv_body_imports_nothing(policy):
    """A CSV with only a header imports an empty list."""
    assert parse_directory_csv("user_id,organisation,role\n", policy) == []


# -- lookups ----------------------------------------------------------------------


def test_explicit_entry_is_found(policy):
    """An explicit entry is returned as given."""
    p = Professional("@a:wmo.busbaan.example", "wmo", "wmo-consulent")
    assert Directory.of(policy, [p])("@a:wmo.busbaan.example") is p


def test_no_domain_fallback_without_default_role(policy):
    """Without a default_role, a user of an organisation's server is not in the directory."""
    assert Directory.of(policy, [])("@nieuw:wmo.busbaan.example") is None


def test_domain_fallback_with_default_role(policy):
    """An organisation with a default_role names the users of its one server."""
    p = with_default_role(policy, "ggd", "arts")
    found = Directory.of(p, [])("@nieuw:ggd.busbaan.example")
    assert found == Professional("@nieuw:ggd.busbaan.example", "ggd", "arts")


def test_explicit_entry_wins_over_domain(policy):
    """An explicit entry beats the domain's default role."""
    p = with_default_role(policy, "ggd", "arts")
    entry = Professional("@spv:ggd.busbaan.example", "ggd", "sociaal-psychiatrisch-verpleegkundige")
    assert Directory.of(p, [entry])("@spv:ggd.busbaan.example") is entry


def test_no_domain_fallback_when_two_organisations_share_the_server(policy):
    """A server run by two organisations names nobody, even with a default role."""
    p = with_default_role(policy, "ggd", "arts", ("ggd.busbaan.example", "wmo.busbaan.example"))
    d = Directory.of(p, [])
    assert d("@x:wmo.busbaan.example") is None
    assert d("@x:ggd.busbaan.example").organisation == "ggd"


@pytest.mark.parametrize("user_id", ["", "@", "@x", "x", "@x:", "@x:elders.example",
                                     "@x:ggd.busbaan.example.evil"])
def test_lookup_of_odd_or_foreign_ids_is_none(policy, user_id):
    """Ids without a known server are not in the directory (and do not raise)."""
    p = with_default_role(policy, "ggd", "arts")
    assert Directory.of(p, [])(user_id) is None


def test_large_directory(policy):
    """A directory of 10,000 entries finds each by id."""
    people = [Professional(f"@p{i}:wmo.busbaan.example", "wmo", "wmo-consulent")
              for i in range(10_000)]
    d = Directory.of(policy, people)
    assert d("@p9999:wmo.busbaan.example") is people[-1]
    assert d("@p10000:wmo.busbaan.example") is None
