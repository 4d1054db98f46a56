def userinfo(claims, user):
    """The province's account name travels as preferred_username (scope "profile")."""
    claims["preferred_username"] = user.username
    claims["name"] = user.get_full_name() or user.username
    return claims
