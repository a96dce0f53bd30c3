// Sort the census by a column: numbers by their data-value, text alphabetically.
document.querySelectorAll("#census th button").forEach((button, column) => {
  button.addEventListener("click", () => {
    const th = button.parentElement;
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    document.querySelectorAll("#census th").forEach((h) => h.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = document.querySelector("#census tbody");
    const key = (row) => {
      const cell = row.children[column];
      return cell.dataset.value !== undefined ? Number(cell.dataset.value) : cell.textContent.trim();
    };
    const rows = [...body.rows].sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = typeof x === "number" ? x - y : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach((row) => body.appendChild(row));
  });
});
