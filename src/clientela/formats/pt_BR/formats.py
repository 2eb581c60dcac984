"""What Clientela's Portuguese changes in Django's pt_BR formats (the rest stays Django's)."""

# Weeks start on Monday, as Brazilian business calendars do (Django's pt_BR says Sunday).
FIRST_DAY_OF_WEEK = 1
