"""Generated projects, served by uvicorn and exercised over real HTTP.

For the blog example (sync and `--async`) and the shop example, the project is
generated into a temporary directory, started as a subprocess on a free port
against a SQLite file, and driven with `httpx`.
"""

from __future__ import annotations

import importlib.util
import itertools
import sqlite3
import sys
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

# Load the helper by path under a unique name: `server` would clash with other modules.
_spec = importlib.util.spec_from_file_location(
    "crudsmith_tests_http_server", Path(__file__).with_name("server.py")
)
assert _spec is not None and _spec.loader is not None
server = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = server
_spec.loader.exec_module(server)

pytestmark = pytest.mark.slow

PASSWORD = "correct horse battery"
SENSITIVE = {"password", "hashed_password", "secret", "token", "api_key", "salt"}
_counter = itertools.count(1)


def unique() -> int:
    return next(_counter)


def sqlite_rows(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def sqlite_write(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> int:
    conn = sqlite3.connect(db_path)
    try:
        cursor = conn.execute(sql, params)
        conn.commit()
        return cursor.rowcount
    finally:
        conn.close()


def assert_no_secret_fields(body: Any) -> None:
    """No key anywhere in a JSON body names a password or hash."""
    if isinstance(body, dict):
        for key, value in body.items():
            assert key not in {"password", "hashed_password"}, body
            assert_no_secret_fields(value)
    elif isinstance(body, list):
        for item in body:
            assert_no_secret_fields(item)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: httpx.Client, email: str, password: str = PASSWORD) -> str:
    response = client.post("/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert isinstance(body["access_token"], str) and body["access_token"]
    assert_no_secret_fields(body)
    return str(body["access_token"])


# --------------------------------------------------------------------------- blog


@pytest.fixture(scope="module", params=["sync", "async"])
def blog(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    use_async = request.param == "async"
    workdir = tmp_path_factory.mktemp(f"blog-{request.param}")
    app = server.start_generated_app(server.example_models("blog"), workdir, use_async=use_async)
    request.addfinalizer(app.stop)
    yield app


@pytest.fixture
def blog_client(blog: Any) -> Iterator[httpx.Client]:
    with blog.client() as client:
        yield client


def sign_up_user(client: httpx.Client) -> dict[str, Any]:
    n = unique()
    payload = {
        "email": f"user{n}-{uuid.uuid4().hex[:8]}@example.com",
        "username": f"user-{n}-{uuid.uuid4().hex[:8]}",
        "full_name": f"Zoë Ångström {n}",
        "password": PASSWORD,
    }
    response = client.post("/users", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert_no_secret_fields(body)
    assert body["email"] == payload["email"]
    assert body["username"] == payload["username"]
    assert body["full_name"] == payload["full_name"]
    assert body["is_admin"] is False
    body["token"] = login(client, payload["email"])
    return body


def post_payload() -> dict[str, Any]:
    n = unique()
    return {
        "title": f"Café crème {n}",
        "slug": f"cafe-creme-{n}-{uuid.uuid4().hex[:8]}",
        "body": f"body {n}",
        "published": False,
    }


def create_post(client: httpx.Client, token: str) -> dict[str, Any]:
    payload = post_payload()
    response = client.post("/posts", json=payload, headers=bearer(token))
    assert response.status_code == 201, response.text
    body = response.json()
    for key, value in payload.items():
        assert body[key] == value
    return body


def test_health(blog_client: httpx.Client) -> None:
    response = blog_client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_signup_login_and_me(blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    me = blog_client.get("/auth/me", headers=bearer(user["token"]))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user["id"]
    assert_no_secret_fields(me.json())

    wrong = blog_client.post(
        "/auth/token", json={"email": user["email"], "password": "wrong password!"}
    )
    assert wrong.status_code == 401
    assert "hashed_password" not in wrong.text

    duplicate = blog_client.post(
        "/users",
        json={"email": user["email"], "username": "someone-else", "password": PASSWORD},
    )
    assert duplicate.status_code == 409, duplicate.text

    # The user list is for signed-in users only.
    assert blog_client.get("/users").status_code == 401
    listing = blog_client.get("/users", params={"limit": 100}, headers=bearer(user["token"]))
    assert listing.status_code == 200, listing.text
    assert_no_secret_fields(listing.json())


def test_create_post_conflict_auth_and_validation(blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    post = create_post(blog_client, user["token"])
    assert post["author_id"] == user["id"]

    again = {k: post[k] for k in ("title", "slug", "body", "published")}
    conflict = blog_client.post("/posts", json=again, headers=bearer(user["token"]))
    assert conflict.status_code == 409, conflict.text

    anonymous = blog_client.post("/posts", json=post_payload())
    assert anonymous.status_code == 401, anonymous.text

    forged = blog_client.post("/posts", json=post_payload(), headers=bearer("not-a-real-token"))
    assert forged.status_code == 401, forged.text

    invalid = blog_client.post(
        "/posts", json={"title": 123, "body": None}, headers=bearer(user["token"])
    )
    assert invalid.status_code == 422, invalid.text


def test_get_post_and_404(blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    post = create_post(blog_client, user["token"])

    response = blog_client.get(f"/posts/{post['id']}")
    assert response.status_code == 200, response.text
    assert response.json() == post

    assert blog_client.get("/posts/99999999").status_code == 404
    assert blog_client.get("/posts/not-an-int").status_code == 422


def test_list_pagination(blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    created = [create_post(blog_client, user["token"]) for _ in range(5)]
    ids = [p["id"] for p in created]

    page = blog_client.get("/posts", params={"author_id": user["id"], "skip": 1, "limit": 2})
    assert page.status_code == 200, page.text
    body = page.json()
    assert set(body) >= {"items", "total", "skip", "limit"}
    assert body["total"] == 5
    assert body["skip"] == 1
    assert body["limit"] == 2
    assert [p["id"] for p in body["items"]] == ids[1:3]

    tail = blog_client.get(
        "/posts", params={"author_id": user["id"], "skip": 4, "limit": 100}
    ).json()
    assert tail["total"] == 5
    assert [p["id"] for p in tail["items"]] == ids[4:]

    everything = blog_client.get("/posts", params={"limit": 100}).json()
    assert everything["total"] >= 5
    assert len(everything["items"]) == min(everything["total"], 100)

    assert blog_client.get("/posts", params={"limit": 0}).status_code == 422
    assert blog_client.get("/posts", params={"limit": 101}).status_code == 422
    assert blog_client.get("/posts", params={"skip": -1}).status_code == 422


def test_patch_changes_only_sent_fields(blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    post = create_post(blog_client, user["token"])
    before = blog_client.get(f"/posts/{post['id']}").json()

    response = blog_client.patch(
        f"/posts/{post['id']}",
        json={"title": "Thé vert 緑茶"},
        headers=bearer(user["token"]),
    )
    assert response.status_code == 200, response.text
    after = response.json()

    expected = {**before, "title": "Thé vert 緑茶"}
    expected.pop("updated_at")
    got = dict(after)
    got.pop("updated_at")
    assert got == expected

    reread = blog_client.get(f"/posts/{post['id']}").json()
    reread.pop("updated_at")
    assert reread == expected

    nulled = blog_client.patch(
        f"/posts/{post['id']}", json={"title": None}, headers=bearer(user["token"])
    )
    assert nulled.status_code == 422, nulled.text


def test_ownership_and_admin(blog: Any, blog_client: httpx.Client) -> None:
    owner = sign_up_user(blog_client)
    other = sign_up_user(blog_client)
    post = create_post(blog_client, owner["token"])

    patch = blog_client.patch(
        f"/posts/{post['id']}", json={"title": "hijack"}, headers=bearer(other["token"])
    )
    assert patch.status_code == 403, patch.text
    delete = blog_client.delete(f"/posts/{post['id']}", headers=bearer(other["token"]))
    assert delete.status_code == 403, delete.text
    assert blog_client.get(f"/posts/{post['id']}").json()["title"] == post["title"]

    # A regular user may not promote themselves.
    promote = blog_client.patch(
        f"/users/{other['id']}", json={"is_admin": True}, headers=bearer(other["token"])
    )
    assert promote.status_code == 403, promote.text

    admin = sign_up_user(blog_client)
    changed = sqlite_write(
        blog.db_path, "UPDATE users SET is_admin = 1 WHERE id = ?", (admin["id"],)
    )
    assert changed == 1
    admin_token = login(blog_client, admin["email"])
    me = blog_client.get("/auth/me", headers=bearer(admin_token)).json()
    assert me["is_admin"] is True

    patch = blog_client.patch(
        f"/posts/{post['id']}", json={"title": "moderated"}, headers=bearer(admin_token)
    )
    assert patch.status_code == 200, patch.text
    assert patch.json()["title"] == "moderated"
    assert patch.json()["author_id"] == owner["id"]


def test_delete_then_404(blog: Any, blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    post = create_post(blog_client, user["token"])

    assert blog_client.delete(f"/posts/{post['id']}").status_code == 401
    response = blog_client.delete(f"/posts/{post['id']}", headers=bearer(user["token"]))
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert blog_client.get(f"/posts/{post['id']}").status_code == 404
    again = blog_client.delete(f"/posts/{post['id']}", headers=bearer(user["token"]))
    assert again.status_code == 404
    assert sqlite_rows(blog.db_path, "SELECT id FROM posts WHERE id = ?", (post["id"],)) == []


def _resolve(schema: Any, components: dict[str, Any], seen: set[str]) -> Iterator[dict[str, Any]]:
    """Every object schema reachable from `schema`, following `$ref`s."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[1]
            if name not in seen:
                seen.add(name)
                yield from _resolve(components.get(name, {}), components, seen)
        if "properties" in schema:
            yield schema
        for value in schema.values():
            if isinstance(value, (dict, list)):
                yield from _resolve(value, components, seen)
    elif isinstance(schema, list):
        for item in schema:
            yield from _resolve(item, components, seen)


def sensitive_properties(openapi: dict[str, Any]) -> list[str]:
    components = openapi.get("components", {}).get("schemas", {})
    roots: list[tuple[str, Any]] = [
        (name, schema) for name, schema in components.items() if name.endswith(("Public", "Page"))
    ]
    for path, operations in openapi["paths"].items():
        for method, operation in operations.items():
            for code, response in operation.get("responses", {}).items():
                if str(code).startswith("2"):
                    for media in response.get("content", {}).values():
                        roots.append((f"{method.upper()} {path} {code}", media.get("schema")))
    found = []
    for where, schema in roots:
        for obj in _resolve(schema, components, set()):
            for prop in obj["properties"]:
                lowered = prop.lower()
                if lowered in SENSITIVE or lowered.startswith("hashed_"):
                    found.append(f"{where}: {prop}")
    return found


def test_openapi_has_no_sensitive_response_fields(blog_client: httpx.Client) -> None:
    response = blog_client.get("/openapi.json")
    assert response.status_code == 200
    openapi = response.json()
    assert {"/posts", "/posts/{post_id}", "/users", "/auth/token"} <= set(openapi["paths"])
    assert sensitive_properties(openapi) == []
    # Sanity check of the checker: the request body *does* carry a password.
    assert "password" in openapi["components"]["schemas"]["UserCreate"]["properties"]


def test_sqlite_file_holds_the_rows(blog: Any, blog_client: httpx.Client) -> None:
    user = sign_up_user(blog_client)
    post = create_post(blog_client, user["token"])
    assert blog.db_path.is_file()

    users = sqlite_rows(
        blog.db_path,
        "SELECT email, username, hashed_password, bio FROM users WHERE id = ?",
        (user["id"],),
    )
    assert len(users) == 1
    email, username, hashed, bio = users[0]
    assert (email, username) == (user["email"], user["username"])
    assert hashed and hashed != PASSWORD and hashed.startswith("$argon2")
    assert bio == user["bio"]

    posts = sqlite_rows(
        blog.db_path, "SELECT slug, author_id FROM posts WHERE id = ?", (post["id"],)
    )
    assert posts == [(post["slug"], user["id"])]
    total = blog_client.get("/posts", params={"limit": 1}).json()["total"]
    assert sqlite_rows(blog.db_path, "SELECT COUNT(*) FROM posts") == [(total,)]


# --------------------------------------------------------------------------- shop


@pytest.fixture(scope="module")
def shop(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    workdir = tmp_path_factory.mktemp("shop")
    app = server.start_generated_app(server.example_models("shop"), workdir)
    request.addfinalizer(app.stop)
    return app


def sign_up_customer(client: httpx.Client) -> dict[str, Any]:
    n = unique()
    payload = {
        "email": f"customer{n}-{uuid.uuid4().hex[:8]}@example.com",
        "name": f"山田太郎 {n}",
        "password": PASSWORD,
    }
    response = client.post("/customers", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert_no_secret_fields(body)
    assert uuid.UUID(body["id"])
    assert body["email"] == payload["email"]
    body["token"] = login(client, payload["email"])
    return body


def test_shop_flow(shop: Any) -> None:
    with shop.client() as client:
        customer = sign_up_customer(client)
        other = sign_up_customer(client)
        token = customer["token"]

        sku = f"SKU-{uuid.uuid4().hex[:12]}"
        product_payload = {
            "sku": sku,
            "name": f"Thé vert 緑茶 {sku}",
            "price": "19.99",
            "status": "active",
            "attributes": {"couleur": "bleu", "taille": "M"},
        }
        assert client.post("/products", json=product_payload).status_code == 401
        response = client.post("/products", json=product_payload, headers=bearer(token))
        assert response.status_code == 201, response.text
        product = response.json()
        product_id = product["id"]
        assert uuid.UUID(product_id)
        assert Decimal(str(product["price"])) == Decimal("19.99")
        assert product["status"] == "active"
        assert product["attributes"] == {"couleur": "bleu", "taille": "M"}

        fetched = client.get(f"/products/{product_id}")
        assert fetched.status_code == 200, fetched.text
        assert Decimal(str(fetched.json()["price"])) == Decimal("19.99")
        assert fetched.json() == product

        dup_sku = client.post("/products", json=product_payload, headers=bearer(token))
        assert dup_sku.status_code == 409, dup_sku.text
        bad_status = client.post(
            "/products",
            json={**product_payload, "sku": sku + "x", "status": "bogus"},
            headers=bearer(token),
        )
        assert bad_status.status_code == 422, bad_status.text
        assert client.get(f"/products/{uuid.uuid4()}").status_code == 404
        assert client.get("/products/not-a-uuid").status_code == 422

        response = client.post("/orders", json={}, headers=bearer(token))
        assert response.status_code == 201, response.text
        order = response.json()
        order_id = order["id"]
        assert order["customer_id"] == customer["id"]
        assert order["status"] == "pending"

        item_payload = {
            "order_id": order_id,
            "product_id": product_id,
            "quantity": 2,
            "unit_price": "19.99",
        }
        response = client.post("/order-items", json=item_payload, headers=bearer(token))
        assert response.status_code == 201, response.text
        item = response.json()
        assert item["order_id"] == order_id
        assert item["product_id"] == product_id
        assert item["quantity"] == 2
        assert Decimal(str(item["unit_price"])) == Decimal("19.99")

        got = client.get(f"/order-items/{order_id}/{product_id}")
        assert got.status_code == 200, got.text
        assert got.json() == item
        assert client.get(f"/order-items/{order_id}/{uuid.uuid4()}").status_code == 404
        assert client.get(f"/order-items/{uuid.uuid4()}/{product_id}").status_code == 404

        duplicate = client.post("/order-items", json=item_payload, headers=bearer(token))
        assert duplicate.status_code == 409, duplicate.text

        forbidden = client.patch(
            f"/orders/{order_id}", json={"status": "paid"}, headers=bearer(other["token"])
        )
        assert forbidden.status_code == 403, forbidden.text
        owned = client.patch(f"/orders/{order_id}", json={"status": "paid"}, headers=bearer(token))
        assert owned.status_code == 200, owned.text
        assert owned.json()["status"] == "paid"
        assert {k: v for k, v in owned.json().items() if k != "status"} == {
            k: v for k, v in order.items() if k != "status"
        }

        page = client.get("/orders", params={"customer_id": customer["id"], "limit": 10})
        assert page.status_code == 200, page.text
        assert page.json()["total"] == 1
        assert [o["id"] for o in page.json()["items"]] == [order_id]

        openapi = client.get("/openapi.json").json()
        assert "/order-items/{order_id}/{product_id}" in openapi["paths"]
        assert sensitive_properties(openapi) == []

    assert shop.db_path.is_file()
    # SQLAlchemy's Uuid type stores 32 hex digits without dashes on SQLite.
    order_hex = uuid.UUID(order_id).hex
    product_hex = uuid.UUID(product_id).hex
    rows = sqlite_rows(
        shop.db_path,
        "SELECT quantity, unit_price FROM order_items WHERE order_id = ? AND product_id = ?",
        (order_hex, product_hex),
    )
    assert len(rows) == 1
    assert rows[0][0] == 2
    assert Decimal(str(rows[0][1])) == Decimal("19.99")
    orders = sqlite_rows(
        shop.db_path, "SELECT customer_id, status FROM orders WHERE id = ?", (order_hex,)
    )
    # SQLAlchemy's Enum stores the member name.
    assert orders == [(uuid.UUID(customer["id"]).hex, "PAID")]
    skus = sqlite_rows(shop.db_path, "SELECT sku FROM products WHERE id = ?", (product_hex,))
    assert skus == [(sku,)]
