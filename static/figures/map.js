/* The map of Saxony's municipalities coloured by ASSKomm status (Leaflet, GeoJSON only, no tiles).
 *
 * Reads the GeoJSON from the address in data-geojson. Each municipality shows its name and status
 * on hover, and on keyboard focus: the outlines are focusable and carry the same text as label.
 * Texts a user reads come from data attributes, translated by the template.
 */
(function () {
  "use strict";

  var OUTLINE = { color: "#4b5563", weight: 0.6, opacity: 1, fillOpacity: 1 };
  var HIGHLIGHT = { color: "#111827", weight: 2.5 };

  function steps(properties) {
    // The status often is a step too ("Modellkommune"): name it once.
    return (properties.steps || []).filter(function (step) {
      return step !== properties.status_label;
    });
  }

  function describe(properties) {
    var text = properties.name + ": " + properties.status_label;
    if (steps(properties).length) {
      text += " (" + steps(properties).join(", ") + ")";
    }
    if (properties.district) {
      text += ", " + properties.district;
    }
    return text;
  }

  function tooltip(properties) {
    // Built as DOM nodes, never as HTML: names come from the register, not from this code.
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = properties.name;
    box.appendChild(name);
    if (properties.district) {
      box.appendChild(document.createTextNode(" (" + properties.district + ")"));
    }
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(properties.status_label));
    if (steps(properties).length) {
      box.appendChild(document.createElement("br"));
      box.appendChild(document.createTextNode(steps(properties).join(", ")));
    }
    return box;
  }

  function say(element, text) {
    var status = document.getElementById(element.id + "-status");
    if (status) {
      status.textContent = text;
      status.hidden = !text;
    }
  }

  function draw(element, data) {
    var map = L.map(element, {
      attributionControl: false,
      scrollWheelZoom: false,
      zoomSnap: 0.25,
      center: [51.0, 13.4],
      zoom: 7
    });
    if (!data.features || !data.features.length) {
      say(element, element.dataset.empty || "");
      return;
    }
    var layer = L.geoJSON(data, {
      style: function (feature) {
        return Object.assign({ fillColor: feature.properties.colour }, OUTLINE);
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(tooltip(feature.properties), { sticky: true });
        // No bringToFront(): it moves the outline in the DOM and would change the tab order.
        shape.on("mouseover", function () {
          shape.setStyle(HIGHLIGHT);
        });
        shape.on("mouseout", function () {
          shape.setStyle(OUTLINE);
        });
      }
    }).addTo(map);
    layer.eachLayer(function (shape) {
      var path = shape.getElement && shape.getElement();
      if (!path) {
        return;
      }
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "img");
      path.setAttribute("aria-label", describe(shape.feature.properties));
      path.addEventListener("focus", function () {
        // One name at a time: a tooltip left open by the mouse would hide the focused one.
        layer.eachLayer(function (other) {
          if (other !== shape) {
            other.closeTooltip();
            other.setStyle(OUTLINE);
          }
        });
        shape.setStyle(HIGHLIGHT);
        shape.openTooltip(shape.getBounds().getCenter());
      });
      path.addEventListener("blur", function () {
        shape.setStyle(OUTLINE);
        shape.closeTooltip();
      });
    });
    map.fitBounds(layer.getBounds(), { padding: [6, 6] });
    element.dataset.ready = String(data.features.length);
    say(element, "");
  }

  function init(element) {
    say(element, element.dataset.loading || "");
    fetch(element.dataset.geojson, {
      credentials: "same-origin",
      headers: { Accept: "application/geo+json, application/json" }
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        draw(element, data);
      })
      .catch(function () {
        say(element, element.dataset.error || "");
      });
  }

  function start() {
    if (typeof L === "undefined") {
      return;
    }
    document.querySelectorAll("[data-geojson]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
