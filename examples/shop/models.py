"""Database models for an online shop.

Classic SQLAlchemy declarative style: ``declarative_base()``, ``Column(...)``
attributes and ``relationship(...)``. Customers place orders; an order holds
line items, each pointing at a product; products carry free-form tags.

Prices are stored as exact decimals (never floats) — 19,99 € stays 19,99 €.
"""

import enum
import uuid

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    Numeric,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
)
from sqlalchemy.orm import declarative_base, relationship

Base = declarative_base()


# The pre-3.11 spelling of a string enum, still the most common one in the wild.
class ProductStatus(str, enum.Enum):  # noqa: UP042
    """Lifecycle of a catalogue entry."""

    DRAFT = "draft"
    ACTIVE = "active"
    ARCHIVED = "archived"


class OrderStatus(enum.StrEnum):
    """Where an order stands, from basket to doorstep."""

    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


# Many-to-many link between products and tags ("végétarien", "🔥 promo", ...).
product_tags = Table(
    "product_tags",
    Base.metadata,
    Column("product_id", Uuid, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", Integer, ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Customer(Base):
    """Someone who can sign in and place orders."""

    __tablename__ = "customers"

    id = Column(Uuid, primary_key=True, default=uuid.uuid4)
    email = Column(String(255), unique=True, index=True, nullable=False)
    name = Column(String(120), nullable=False)
    # argon2 hash produced by pwdlib; the clear-text password is never stored.
    hashed_password = Column(String(255), nullable=False)
    is_admin = Column(Boolean, default=False, nullable=False)
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    orders = relationship("Order", back_populates="customer", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"Customer(id={self.id!r}, email={self.email!r})"


class Product(Base):
    """An item in the catalogue.

    The same name may exist once per status, so an archived « Thé vert 緑茶 »
    can sit beside its active replacement.
    """

    __tablename__ = "products"
    __table_args__ = (UniqueConstraint("name", "status", name="uq_products_name_status"),)

    id = Column(Uuid, primary_key=True, default=uuid.uuid4)
    sku = Column(String(32), unique=True, index=True, nullable=False)
    name = Column(String(200), nullable=False)
    description = Column(Text, nullable=True)
    price = Column(Numeric(10, 2), nullable=False)
    # Free-form attributes, e.g. {"couleur": "bleu", "taille": "M"}.
    attributes = Column(JSON, nullable=True)
    status = Column(Enum(ProductStatus), default=ProductStatus.DRAFT, nullable=False)

    tags = relationship("Tag", secondary=product_tags, back_populates="products")
    order_items = relationship("OrderItem", back_populates="product")

    def __repr__(self) -> str:
        return f"Product(sku={self.sku!r}, name={self.name!r})"


class Tag(Base):
    """A short label used to group products in the storefront."""

    __tablename__ = "tags"

    id = Column(Integer, primary_key=True)
    name = Column(String(50), unique=True, nullable=False)

    products = relationship("Product", secondary=product_tags, back_populates="tags")

    def __repr__(self) -> str:
        return f"Tag(name={self.name!r})"


class Order(Base):
    """A customer's order — one row per checkout."""

    __tablename__ = "orders"

    id = Column(Uuid, primary_key=True, default=uuid.uuid4)
    customer_id = Column(
        Uuid, ForeignKey("customers.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status = Column(Enum(OrderStatus), default=OrderStatus.PENDING, nullable=False)
    # Gift message or delivery note; "—" means the customer left none.
    note = Column(String(500), nullable=True, server_default="—")
    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)

    customer = relationship("Customer", back_populates="orders")
    items = relationship("OrderItem", back_populates="order", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"Order(id={self.id!r}, status={self.status!r})"


class OrderItem(Base):
    """One line of an order. The key is (order, product): a product appears once per order."""

    __tablename__ = "order_items"
    __table_args__ = (PrimaryKeyConstraint("order_id", "product_id"),)

    order_id = Column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    product_id = Column(Uuid, ForeignKey("products.id"), nullable=False)
    quantity = Column(Integer, nullable=False, default=1)
    # Price at the time of purchase, copied from the product.
    unit_price = Column(Numeric(10, 2), nullable=False)

    order = relationship("Order", back_populates="items")
    product = relationship("Product", back_populates="order_items")

    def __repr__(self) -> str:
        return f"OrderItem(order_id={self.order_id!r}, product_id={self.product_id!r})"
