// Print buttons (kept out of the HTML: the page's content security policy allows no inline script).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
