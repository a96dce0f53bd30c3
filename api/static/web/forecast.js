// While the server solves a forecast form (seconds; up to a minute for advice on a large
// program), say so, and keep the button from sending the same question again.
document.querySelectorAll("form[data-solving]").forEach((form) => {
  form.addEventListener("submit", () => {
    const button = form.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.textContent = "Solving…";
    }
    const solving = document.getElementById("solving");
    if (solving) solving.textContent = form.dataset.solving;
  });
});
