from django.shortcuts import render

from cooperatives import access

from .selectors import city_indicators


@access.city_view()
def home(request):
    return render(request, "city/home.html", {"indicators": city_indicators()})
