// Interactive charts: loaded only on a chart's own page, after the reader asked for it.
// Draws the published Vega-Lite spec with tooltips, and pan/zoom on single-view charts.
(function () {
  "use strict";
  function zoomable(spec) {
    var single = !spec.layer && !spec.hconcat && !spec.vconcat && !spec.concat && !spec.facet && !spec.repeat;
    var geo = spec.mark === "geoshape" || (spec.mark && spec.mark.type === "geoshape");
    if (single && !geo && !spec.params) {
      spec.params = [{ name: "zoom", select: "interval", bind: "scales" }];
    }
    return spec;
  }
  document.querySelectorAll("[data-vega-spec]").forEach(function (box) {
    var status = box.querySelector(".interactive-status");
    fetch(box.getAttribute("data-vega-spec"))
      .then(function (response) { return response.json(); })
      .then(function (spec) {
        var target = document.createElement("div");
        box.appendChild(target);
        // The site's Content-Security-Policy allows no eval and no inline style: "ast"
        // interprets Vega expressions instead of compiling them with Function(), and the
        // embed and tooltip styles come from style.css instead of injected <style> tags.
        return window.vegaEmbed(target, zoomable(spec), {
          actions: false, ast: true, defaultStyle: false, renderer: "svg",
          tooltip: { disableDefaultStyle: true }
        });
      })
      .then(function () { if (status) { status.textContent = "Hover or tap the marks for values."; } })
      .catch(function (error) { if (status) { status.textContent = "The interactive version could not load: " + error.message; } });
  });
})();
