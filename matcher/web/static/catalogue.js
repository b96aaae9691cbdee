// Progressive enhancement for the search and offer pages; both work without this file.
// - "Udskriv" (print) button on the offer page.
// - With a tile server set (MATCHER_MAP_TILES), a Leaflet map with clustered, clickable numbered pins
//   replaces the district drawing; the drawing stays the fallback without JavaScript or tiles.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll(".print-button").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });

  var figures = document.querySelectorAll("figure.map[data-tiles]");
  if (!figures.length || typeof L === "undefined") {
    return;
  }
  figures.forEach(function (figure) {
    var pins = [];
    try {
      pins = JSON.parse(figure.getAttribute("data-pins") || "[]");
    } catch (e) {
      return;
    }
    var holder = document.createElement("div");
    holder.className = "tile-map" + (figure.getAttribute("data-small") ? " small" : "");
    holder.setAttribute("role", "region");
    holder.setAttribute("aria-label", "Kort med tilbuddene" + (pins.length ? " 1 til " + pins.length : ""));
    var svg = figure.querySelector("svg");
    figure.insertBefore(holder, svg);
    svg.setAttribute("hidden", "");
    figure.classList.add("has-tiles");

    var map = L.map(holder, {scrollWheelZoom: false});
    L.tileLayer(figure.getAttribute("data-tiles"), {
      maxZoom: 18, attribution: figure.getAttribute("data-attribution") || ""
    }).addTo(map);
    var group = typeof L.markerClusterGroup === "function"
      ? L.markerClusterGroup({showCoverageOnHover: false, maxClusterRadius: 40})
      : L.featureGroup();
    var bounds = [];
    pins.forEach(function (pin) {
      var icon = L.divIcon({className: "map-pin", html: String(pin.n), iconSize: [26, 26]});
      var marker = L.marker([pin.lat, pin.lon], {icon: icon, title: pin.n + ". " + pin.title, alt: pin.n + ". " + pin.title,
                                                 keyboard: true});
      var link = document.createElement("a");
      link.href = pin.url;
      link.textContent = pin.n + ". " + pin.title;
      marker.bindPopup(link);
      group.addLayer(marker);
      bounds.push([pin.lat, pin.lon]);
    });
    map.addLayer(group);
    if (bounds.length > 1) {
      map.fitBounds(bounds, {padding: [24, 24], maxZoom: 15});
    } else if (bounds.length === 1) {
      map.setView(bounds[0], 15);
    } else {
      map.setView([55.6761, 12.5683], 11);  // Copenhagen
    }
  });
});
