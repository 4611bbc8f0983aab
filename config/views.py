from django.shortcuts import render


def home(request):
    """The public entrance for residents and the way in for members."""
    return render(request, "home.html")
