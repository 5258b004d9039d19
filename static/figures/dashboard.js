/* Charts of the staff dashboard (Chart.js). The data comes from the json_script "figures-charts";
 * each chart's text alternative is the table next to it.
 */
(function () {
  "use strict";

  // Distinct colours with at least 3:1 contrast on white (WCAG 1.4.11).
  var COLOURS = ["#08519c", "#00613a", "#b35806", "#6a3d9a", "#c51b7d", "#4d4d4d"];
  var numbers = new Intl.NumberFormat("de-DE");
  var money = new Intl.NumberFormat("de-DE", { style: "currency", currency: "EUR" });

  function chart(canvas, block, kind) {
    var isMoney = block.series.some(function (s) { return s.money; });
    var format = isMoney ? money : numbers;
    return new Chart(canvas, {
      type: kind,
      data: {
        labels: block.labels,
        datasets: block.series.map(function (series, index) {
          var colour = COLOURS[index % COLOURS.length];
          return {
            label: series.label,
            data: series.data,
            borderColor: colour,
            backgroundColor: colour,
            borderWidth: 2,
            pointRadius: 2,
            tension: 0
          };
        })
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        locale: "de-DE",
        interaction: { mode: "index", intersect: false },
        scales: {
          y: {
            beginAtZero: true,
            // Counts are whole numbers: no ticks at 0,2 or 0,4.
            ticks: {
              precision: isMoney ? undefined : 0,
              callback: function (value) { return format.format(value); }
            }
          }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (item) {
                return item.dataset.label + ": " + format.format(item.parsed.y);
              }
            }
          }
        }
      }
    });
  }

  function start() {
    var source = document.getElementById("figures-charts");
    if (!source || typeof Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var style = getComputedStyle(document.body);
    Chart.defaults.color = style.color;
    Chart.defaults.font.family = style.fontFamily;
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var block = data[canvas.dataset.chart];
      if (block && block.labels.length) {
        chart(canvas, block, canvas.dataset.kind || "line");
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
