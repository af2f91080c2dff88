// The run dashboard on a 200-stage run: time from a change (stopWorkflowRun, sent from the
// page) to the first visible stage node showing its new phase, and to all visible ones.
import { createWorkflow, graphql, median, type Page, verdict, wideStages } from './lib';

export const PHASE_TARGET_MS = 500;

export async function benchRunDashboard(
  page: Page,
  baseUrl: string,
  token: string,
  tenant: string,
  project: string,
  samples = 3,
) {
  const gql = graphql(baseUrl, token);
  // Four lanes of 50: four stages run at a time, the others wait (the machine has 2 cores).
  await createWorkflow(baseUrl, token, { tenant, project, name: 'wide', stages: wideStages(200, 4, 'sleep 300') });
  // Arrival times of subscription messages, to split server time from rendering time.
  await page.addInitScript(() => {
    const Original = window.WebSocket;
    const w = window as unknown as { __wsMessages: number[] };
    w.__wsMessages = [];
    window.WebSocket = class extends Original {
      constructor(...args: ConstructorParameters<typeof WebSocket>) {
        super(...args);
        this.addEventListener('message', () => w.__wsMessages.push(performance.now()));
      }
    } as typeof WebSocket;
  });
  const firsts: number[] = [];
  const renders: number[] = [];
  const alls: number[] = [];
  const servers: number[] = [];
  const answers: number[] = [];
  for (let i = 0; i < samples; i += 1) {
    const { runWorkflow: run } = await gql<{ runWorkflow: { id: string } }>(
      'mutation($input: RunWorkflowInput!) { runWorkflow(input: $input) { id } }',
      { input: { tenant, project, workflow: 'wide' } },
    );
    await page.goto(`/projects/${project}/workflows/wide/runs/${run.id}`);
    await page.locator('[data-testid="stage-node-s0"][data-phase="RUNNING"]').waitFor({ timeout: 60_000 });
    // Let the first render and the subscription settle.
    await page.waitForTimeout(1500);
    const timing = await page.evaluate(async (id) => {
      const visible = () =>
        [...document.querySelectorAll<HTMLElement>('.react-flow__node [data-phase]')].filter(
          (el) => el.dataset.phase === 'PENDING' || el.dataset.phase === 'RUNNING',
        );
      const watched = visible();
      const total = watched.length;
      const messages = (window as unknown as { __wsMessages: number[] }).__wsMessages;
      return new Promise<{
        first: number;
        all: number;
        watched: number;
        render: number;
        server: number;
        answered: number;
      }>((resolve, reject) => {
        let first = 0;
        let started = 0;
        const check = () => {
          const changed = watched.filter(
            (el) => !el.isConnected || (el.dataset.phase !== 'PENDING' && el.dataset.phase !== 'RUNNING'),
          ).length;
          const now = performance.now();
          if (changed > 0 && !first) first = now - started;
          if (changed === total) {
            observer.disconnect();
            // The last subscription message before the first change: what the page reacted to.
            const firstAt = started + first;
            const cause = messages.filter((t) => t >= started && t <= firstAt).at(-1) ?? started;
            // Before it: the server (stop recorded by the API and engine, event read and sent).
            resolve({
              first,
              all: now - started,
              watched: total,
              render: firstAt - cause,
              server: cause - started,
              answered,
            });
          }
        };
        const observer = new MutationObserver(check);
        observer.observe(document.body, { attributes: true, subtree: true, attributeFilter: ['data-phase'] });
        setTimeout(() => reject(new Error('no phase change within 20 s')), 20_000);
        started = performance.now();
        void fetch('/graphql', {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${window.localStorage.getItem('cyclone.token')}`,
          },
          body: JSON.stringify({
            query: 'mutation($id: ID!) { stopWorkflowRun(id: $id) { id } }',
            variables: { id },
          }),
        }).then(() => {
          answered = performance.now() - started;
        });
      });
    }, run.id);
    firsts.push(timing.first);
    alls.push(timing.all);
    renders.push(timing.render);
    servers.push(timing.server);
    answers.push(timing.answered);
    console.log(
      `  run ${i + 1}: first node ${timing.first.toFixed(0)} ms (stop answered ${timing.answered.toFixed(0)} ms, stop sent → subscription message ${timing.server.toFixed(0)} ms, message → colour ${timing.render.toFixed(0)} ms), ` +
        `all ${timing.watched} visible nodes ${timing.all.toFixed(0)} ms`,
    );
  }
  console.log('\n== Run dashboard, 200 stages ==');
  console.log(
    `stop → first node recoloured: median ${median(firsts).toFixed(0)} ms, all visible nodes: median ${median(alls).toFixed(0)} ms — ` +
      `target ≤ ${PHASE_TARGET_MS} ms: ${verdict(median(firsts) <= PHASE_TARGET_MS)}`,
  );
  console.log(
    `  of which in the page (subscription message received → node recoloured): median ${median(renders).toFixed(0)} ms — ` +
      `${verdict(median(renders) <= PHASE_TARGET_MS)}`,
  );
  console.log(
    `  of which in the server (stop sent → the subscription message the page reacted to): median ${median(servers).toFixed(0)} ms ` +
      `(the stop mutation itself answered after a median ${median(answers).toFixed(0)} ms; the rest is the engine stopping the stages and recording them, then the event read and sent)`,
  );
  return { firsts, alls, renders, servers };
}
