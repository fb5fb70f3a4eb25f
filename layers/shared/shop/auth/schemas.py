from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

# ASVS 4 2.1.1/2.1.2: at least 12 characters, at most 128; taken exactly as typed (no trimming,
# no case folding, no normalisation).
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 128

NewPassword = Annotated[
    str, StringConstraints(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
]
AnyPassword = Annotated[str, StringConstraints(min_length=1, max_length=PASSWORD_MAX_LENGTH)]
Email = Annotated[EmailStr, StringConstraints(max_length=254)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RegisterCreate(Input):
    email: Email
    password: NewPassword
    display_name: DisplayName
    role: Literal["customer", "seller"] = "customer"


class EmailRequest(Input):
    email: Email


class VerifyEmailRequest(Input):
    email: Email
    code: Annotated[str, StringConstraints(pattern=r"^[0-9]{6}$")]


class LoginRequest(Input):
    email: Email
    password: AnyPassword


class PasswordResetRequest(Input):
    token: Annotated[str, StringConstraints(min_length=20, max_length=128)]
    password: NewPassword


class AcceptedRead(BaseModel):
    """The same answer whether or not the email has an account (no user enumeration)."""

    status: Literal["accepted"] = "accepted"
    detail: str = Field(description="What happens next, the same for every email address")
