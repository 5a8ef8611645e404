"""Sharing seen from other users: the same identities and grants as the CLI and the extension."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pyarrow as pa
import pytest

import framegate

from .conftest import GatewayProcess

Unique = Callable[[str], str]

DATA = pa.table({"n": [1, 2, 3]})


@pytest.fixture(scope="module")
def people(gateway: GatewayProcess) -> Iterator[dict[str, framegate.Gateway]]:
    connected = {name: gateway.connect(gateway.add_user(name)) for name in ("alice", "bob", "carol")}
    gateway.cli("group", "add", "analysts", "carol")
    try:
        yield connected
    finally:
        for fg in connected.values():
            fg.close()


def test_a_frame_is_private_until_shared(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob = people["alice"], people["bob"]
    name = alice.save(unique("private"), DATA).name
    assert name.startswith("alice.")
    with pytest.raises(framegate.FrameNotFound):
        bob.frame(name)
    assert name not in bob.ls().names


def test_shared_with_a_user_they_read_it_and_it_shows_as_shared(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    name = alice.save(unique("for_bob"), DATA).name
    info = alice.share(name, "bob")
    assert [(g.kind, g.to, g.write) for g in info.grants] == [("user", "bob", False)]
    frame = bob.frame(name)
    assert frame.to_arrow().equals(DATA)
    listed = next(f for f in bob.ls() if f.name == name)
    assert (listed.scope, listed.shared_by, listed.can_write, listed.can_manage) == ("shared", "alice", False, False)
    with pytest.raises(framegate.FrameNotFound):
        carol.frame(name)
    # Read only: bob may not save over it, nor share it on.
    with pytest.raises(framegate.Forbidden):
        bob.save(name, DATA, replace=True)
    with pytest.raises(framegate.Forbidden):
        bob.share(name, "carol")


def test_write_access_lets_them_save_versions(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob = people["alice"], people["bob"]
    name = alice.save(unique("shared_rw"), DATA).name
    alice.share(name, "user:bob", write=True)
    saved = bob.save(name, DATA.slice(0, 1), replace=True)
    assert (saved.version, saved.author, saved.owner) == (2, "bob", "alice")
    assert alice.frame(name).row_count == 1


def test_unshare_takes_it_away(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob = people["alice"], people["bob"]
    name = alice.save(unique("taken_back"), DATA).name
    alice.share(name, "bob")
    assert bob.frame(name).row_count == 3
    assert alice.unshare(name, "bob").grants == ()
    with pytest.raises(framegate.FrameNotFound):
        bob.frame(name)


def test_shared_with_a_group_its_members_read_it(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    name = alice.save(unique("for_analysts"), DATA).name
    alice.share(name, "analysts")  # a bare name that is a group
    assert carol.frame(name).row_count == 3
    with pytest.raises(framegate.FrameNotFound):
        bob.frame(name)


def test_publish_shares_with_the_whole_team(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob, carol = people["alice"], people["bob"], people["carol"]
    name = alice.save(unique("published"), DATA).name
    assert alice.publish(name).published
    for reader in (bob, carol):
        listed = next(f for f in reader.ls() if f.name == name)
        assert listed.published and listed.scope == "team"
        assert reader.sql(f"SELECT sum(n)::BIGINT AS total FROM {name}").head().to_pylist() == [{"total": 6}]


def test_sharing_with_nobody_is_a_clear_error(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice = people["alice"]
    name = alice.save(unique("lonely"), DATA).name
    with pytest.raises(framegate.UserNotFound, match="no user or group named zed"):
        alice.share(name, "zed")
    with pytest.raises(framegate.UserNotFound):
        alice.share(name, "user:zed")


def test_what_others_cannot_see_cannot_be_queried_either(people: dict[str, framegate.Gateway], unique: Unique) -> None:
    alice, bob = people["alice"], people["bob"]
    name = alice.save(unique("secret"), DATA).name
    with pytest.raises(framegate.FrameNotFound):
        bob.sql(f"SELECT * FROM {name}")
    with pytest.raises(framegate.FrameNotFound):
        bob.delete(name)
