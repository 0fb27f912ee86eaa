// Interactive charts: the chart page shows the static chart first and offers a button;
// only a click loads the Vega bundle (0.9 MB) and draws the published Vega-Lite spec
// with tooltips, and pan/zoom on single-view charts. Without JavaScript, style.css hides the box.
(function () {
  "use strict";
  function zoomable(spec) {
    var single = !spec.layer && !spec.hconcat && !spec.vconcat && !spec.concat && !spec.facet && !spec.repeat;
    var geo = spec.mark === "geoshape" || (spec.mark && spec.mark.type === "geoshape");
    if (single && !geo && !spec.params) {
      spec.params = [{ name: "zoom", select: "interval", bind: "scales" }];
    }
    // one image named by the chart's description (the data table below has the values),
    // not hundreds of unnamed marks for a screen reader to step through
    spec.config = Object.assign({}, spec.config, { aria: false });
    return spec;
  }
  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = function () { reject(new Error("the chart library did not load")); };
      document.head.appendChild(script);
    });
  }
  function draw(box, button, status) {
    button.disabled = true;
    status.textContent = "Loading the interactive version…";
    Promise.all([loadScript(box.getAttribute("data-vega-script")),
                 fetch(box.getAttribute("data-vega-spec")).then(function (response) { return response.json(); })])
      .then(function (loaded) {
        var target = document.createElement("div");
        box.appendChild(target);
        button.remove();
        // The site's Content-Security-Policy allows no eval and no inline style: "ast"
        // interprets Vega expressions instead of compiling them with Function(), and the
        // embed and tooltip styles come from style.css instead of injected <style> tags.
        return window.vegaEmbed(target, zoomable(loaded[1]), {
          actions: false, ast: true, defaultStyle: false, renderer: "svg",
          tooltip: { disableDefaultStyle: true }
        });
      })
      .then(function () {
        var svg = box.querySelector("svg");
        if (svg) {
          svg.querySelectorAll("[role], [aria-roledescription], [aria-label]").forEach(function (mark) {
            ["role", "aria-roledescription", "aria-label"].forEach(function (name) { mark.removeAttribute(name); });
          });
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", box.getAttribute("data-vega-label"));
        }
        status.textContent = "Hover or tap the marks for values.";
      })
      .catch(function (error) {
        button.disabled = false;
        status.textContent = "The interactive version could not load: " + error.message;
      });
  }
  document.querySelectorAll("[data-vega-spec]").forEach(function (box) {
    var button = box.querySelector(".interactive-start");
    var status = box.querySelector(".interactive-status");
    button.addEventListener("click", function () { draw(box, button, status); });
  });
})();
