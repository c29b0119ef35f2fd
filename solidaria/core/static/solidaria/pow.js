// Solidaria: the self-hosted proof-of-work check (ALTCHA protocol, v1).
// Progressive enhancement only: without JavaScript the form is sent as it is.
(function () {
  "use strict";
  if (!window.crypto || !window.crypto.subtle || !window.TextEncoder || !window.fetch) return;

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) { return ("0" + b.toString(16)).slice(-2); })
      .join("");
  }

  async function solve(challenge) {
    var encoder = new TextEncoder();
    var salt = challenge.salt;
    for (var n = 0; n <= challenge.maxNumber; n++) {
      var digest = await crypto.subtle.digest("SHA-256", encoder.encode(salt + n));
      if (hex(digest) === challenge.challenge) return n;
    }
    return null;
  }

  document.querySelectorAll("form[data-pow]").forEach(function (form) {
    var field = form.querySelector("input[name=altcha]");
    var solving = null;

    function start() {
      if (solving || !field) return solving;
      solving = fetch(form.getAttribute("data-pow"), { credentials: "omit" })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(async function (challenge) {
          if (!challenge) return;
          var number = await solve(challenge);
          if (number === null) return;
          field.value = btoa(JSON.stringify({
            algorithm: challenge.algorithm, challenge: challenge.challenge,
            number: number, salt: challenge.salt, signature: challenge.signature
          }));
        })
        .catch(function () { /* the server still checks everything else */ });
      return solving;
    }

    form.addEventListener("focusin", start, { once: true });
    form.addEventListener("submit", function (event) {
      if (field && !field.value) {
        event.preventDefault();
        var button = form.querySelector("button[type=submit]");
        if (button) button.disabled = true;
        start().then(function () { form.submit(); });
      }
    });
  });
})();
