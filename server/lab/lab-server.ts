import { apiHandler } from "./api-service";
import { checkoutService } from "./checkout-service";
import { startControl } from "./control";
import { LAB_HOST, SampleService } from "./sample-service";
import { type LabClustersState, type LabKnobs, type LabServiceName, type LabServiceState, defaultKnobs, labServiceNames, type setKnobsInput } from "./schemas";
import { WS_PATH, websocketService } from "./websocket-service";

export type LabOptions = {
  /** 0 lets the kernel pick (tests); the supervisor passes the ports it saved in lab.json */
  ports: { api: number; websocket: number; checkout: number; control: number };
  token: string;
  /** what the checkout's readiness runs `select 1` against */
  checkoutDbUrl: string;
  knobs?: Partial<Record<LabServiceName, LabKnobs>>;
  /** called after every change, e.g. to keep the knobs in lab.json across restarts */
  onKnobsChange?: (knobs: Record<LabServiceName, LabKnobs>) => void;
  /** the PostgreSQL pair and Redis trio the lab process runs beside the services, for GET /state */
  clusters?: () => LabClustersState;
};

export type Lab = {
  startedAt: Date;
  services: Record<LabServiceName, SampleService>;
  controlPort: number;
  state: () => { startedAt: Date; services: LabServiceState[]; clusters?: LabClustersState };
  setKnobs: (input: ReturnType<typeof setKnobsInput.parse>) => Promise<LabServiceState>;
  stop: () => Promise<void>;
};

/** Starts the sample services and the control endpoint, all on 127.0.0.1. */
export async function startLab(opts: LabOptions): Promise<Lab> {
  const startedAt = new Date();
  const knobsOf = (name: LabServiceName): LabKnobs => ({ ...defaultKnobs, ...opts.knobs?.[name] });
  const checkout = checkoutService(opts.checkoutDbUrl);
  const services = {} as Record<LabServiceName, SampleService>;
  const ws = websocketService(() => services.websocket);
  services.api = new SampleService({ name: "api", port: opts.ports.api, knobs: knobsOf("api"), handler: apiHandler, urlFor: (p) => `http://${LAB_HOST}:${p}` });
  services.websocket = new SampleService({
    name: "websocket",
    port: opts.ports.websocket,
    knobs: knobsOf("websocket"),
    handler: ws.httpHandler,
    urlFor: (p) => `ws://${LAB_HOST}:${p}${WS_PATH}`,
    onUpgrade: ws.onUpgrade,
    onDown: ws.cutAll,
  });
  services.checkout = new SampleService({
    name: "checkout",
    port: opts.ports.checkout,
    knobs: knobsOf("checkout"),
    handler: checkout.handler,
    urlFor: (p) => `http://${LAB_HOST}:${p}`,
  });

  const all = labServiceNames.map((n) => services[n]);
  const state = () => ({ startedAt, services: all.map((s) => s.state()), ...(opts.clusters ? { clusters: opts.clusters() } : {}) });
  // One change at a time: a "down" and an "up" racing would leave the listener in either state.
  let queue: Promise<unknown> = Promise.resolve();
  const setKnobs: Lab["setKnobs"] = (input) => {
    const run = queue.then(async () => {
      const { service, ...patch } = input;
      const s = services[service];
      try {
        await s.apply(patch);
      } finally {
        opts.onKnobsChange?.(Object.fromEntries(all.map((x) => [x.name, x.knobs])) as Record<LabServiceName, LabKnobs>);
      }
      return s.state();
    });
    queue = run.catch(() => undefined);
    return run;
  };

  let control: Awaited<ReturnType<typeof startControl>>;
  try {
    await Promise.all(all.map((s) => s.start()));
    control = await startControl({ state, setKnobs }, opts.token, opts.ports.control);
  } catch (err) {
    await Promise.all(all.map((s) => s.stop()));
    await ws.close();
    await checkout.close();
    throw err;
  }

  return {
    startedAt,
    services,
    controlPort: control.port,
    state,
    setKnobs,
    async stop() {
      await control.stop();
      await Promise.all(all.map((s) => s.stop()));
      await ws.close();
      await checkout.close();
    },
  };
}
