// While the week's roster is generated (a job on the server): ask how far it got every second
// and say so in the status panel; once it has ended, go to the week with what it did (the same
// as the panel's "Check again" link, which works without this script).
const panel = document.querySelector("[data-poll]");
if (panel) {
  const bar = panel.querySelector("progress");
  const words = panel.querySelector("[data-words]");
  const ask = async () => {
    try {
      const answer = await fetch(panel.dataset.poll, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (answer.ok) {
        const job = await answer.json();
        if (job.next) {
          window.location.assign(job.next);
          return;
        }
        bar.max = job.time_limit_s;
        bar.value = job.elapsed_s;
        // Only a change is written: the panel is a live region, read out when it changes.
        if (words.textContent !== job.words) words.textContent = job.words;
      } else if (answer.status === 404) {
        return; // no such job here: "Check again" still shows the week
      }
    } catch (error) {
      // The server away for a moment: the next question tries again.
    }
    window.setTimeout(ask, 1000);
  };
  window.setTimeout(ask, 1000);
}
