/* Recipes: the live cost per unit while a recipe is edited (the form goes to the server
   on every change: costs come from lots), and the "new or edit recipe" box of the list,
   which opens the recipe of the SKU typed. */
(function () {
  "use strict";
  const form = document.getElementById("recipe-form");
  const out = document.getElementById("cost-per-unit");
  let timer;
  if (form && out && window.fetch) {
    form.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        fetch(form.dataset.costUrl, {method: "POST", body: new FormData(form), credentials: "same-origin"})
          .then((r) => r.json())
          .then((d) => { out.textContent = d.per_unit ? d.per_unit : "—"; out.title = d.error || ""; });
      }, 300);
    });
  }
  const jump = document.querySelector("form[data-recipe-jump]");
  if (jump) {
    jump.addEventListener("submit", (event) => {
      event.preventDefault();
      location.href = jump.dataset.recipeJump + "/" + encodeURIComponent(jump.elements.sku.value);
    });
  }
})();
