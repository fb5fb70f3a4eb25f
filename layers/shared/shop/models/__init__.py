"""ORM models, one module per table. Importing this package registers every table."""

from shop.models.category import Category
from shop.models.checkout_request import CheckoutRequest
from shop.models.login_throttle import LoginThrottle
from shop.models.mail_outbox import MailOutbox
from shop.models.one_time_code import OneTimeCode
from shop.models.order import Order
from shop.models.order_item import OrderItem
from shop.models.order_refund import OrderRefund
from shop.models.product import Product
from shop.models.product_category import ProductCategory
from shop.models.product_image import ProductImage
from shop.models.rate_limit import RateLimit
from shop.models.seller_monthly_category_stat import SellerMonthlyCategoryStat
from shop.models.seller_monthly_stat import SellerMonthlyStat
from shop.models.seller_monthly_total import SellerMonthlyTotal
from shop.models.session import Session
from shop.models.stripe_event import StripeEvent
from shop.models.user import User

__all__ = [
    "Category",
    "CheckoutRequest",
    "LoginThrottle",
    "MailOutbox",
    "OneTimeCode",
    "Order",
    "OrderItem",
    "OrderRefund",
    "Product",
    "ProductCategory",
    "ProductImage",
    "RateLimit",
    "SellerMonthlyCategoryStat",
    "SellerMonthlyStat",
    "SellerMonthlyTotal",
    "Session",
    "StripeEvent",
    "User",
]
