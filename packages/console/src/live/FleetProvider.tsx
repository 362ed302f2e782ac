/**
 * Holds the console's one connection to the control plane: the API client,
 * the live fleet picture and the event stream, shared by every page through
 * React context so a page switch never reopens the stream.
 */
import { AuroraApiError, type AuroraClient, type AuroraEvent } from '@aurora/sdk';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import { openEventStream, type StreamStatus } from './event-stream.js';
import { emptyFleet, type FleetAction, type FleetState, fleetReducer } from './fleet.js';

/** What pages get from {@link useFleet}. */
export interface FleetContextValue {
  client: AuroraClient;
  fleet: FleetState;
  status: StreamStatus;
  /** Why the stream is not open, or why the node list failed. */
  problem: string | undefined;
  /** Folds a node returned by an action (cordon, drain, ...) into the picture at once. */
  apply: (action: FleetAction) => void;
  /** Calls `listener` for every raw event, e.g. to append heartbeat samples to a chart. */
  subscribe: (listener: (event: AuroraEvent) => void) => () => void;
}

const FleetContext = createContext<FleetContextValue | undefined>(undefined);

/** How long events are gathered before the fleet picture re-renders; keeps big fleets smooth. */
const FLUSH_MS = 150;

/** Provides {@link useFleet} to the pages below it. */
export function FleetProvider(props: {
  client: AuroraClient;
  onUnauthorized: (message: string) => void;
  children: ReactNode;
}) {
  const { client, onUnauthorized } = props;
  const [fleet, dispatch] = useReducer(fleetReducer, emptyFleet);
  const [status, setStatus] = useState<StreamStatus>('connecting');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const listeners = useRef(new Set<(event: AuroraEvent) => void>());
  const queue = useRef<AuroraEvent[]>([]);

  const refresh = useCallback(async () => {
    try {
      // Every node, a page of 5,000 at a time: the overview and node pages read the whole picture.
      const items = await client.listAllNodes();
      dispatch({ type: 'listed', nodes: items });
      setProblem(undefined);
    } catch (error) {
      if (error instanceof AuroraApiError && error.status === 401) onUnauthorized(error.message);
      else setProblem(error instanceof Error ? error.message : String(error));
    }
  }, [client, onUnauthorized]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const events = queue.current.splice(0);
      dispatch({ type: 'events', events });
    };
    // The fleet is read once the stream is open (below), not before: events between an earlier
    // read and the stream's start would be missed, and at 10,000 nodes each read is 7 MB.
    let listed = false;
    const close = openEventStream({
      baseUrl: window.location.origin,
      // A single-use ticket per connection: the stream's URL never carries a token.
      ticket: async () => (await client.createEventTicket()).ticket,
      onEvent: (event) => {
        queue.current.push(event);
        timer ??= setTimeout(flush, FLUSH_MS);
        for (const listener of listeners.current) listener(event);
      },
      onStatus: (next, detail) => {
        setStatus(next);
        if (next === 'open') {
          setProblem(undefined);
          listed = true;
          void refresh(); // events may have been missed while disconnected
        } else if (next === 'reconnecting') {
          setProblem(`live updates interrupted (${detail ?? 'unknown reason'})`);
          // Without live updates the console still shows the fleet as it was read.
          if (!listed) {
            listed = true;
            void refresh();
          }
        } else if (next === 'unauthorized')
          onUnauthorized('The server no longer accepts these credentials for live updates.');
      },
    });
    return () => {
      close();
      if (timer) clearTimeout(timer);
    };
  }, [client, refresh, onUnauthorized]);

  const subscribe = useCallback((listener: (event: AuroraEvent) => void) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);

  const value = useMemo<FleetContextValue>(
    () => ({ client, fleet, status, problem, apply: dispatch, subscribe }),
    [client, fleet, status, problem, subscribe],
  );
  return <FleetContext.Provider value={value}>{props.children}</FleetContext.Provider>;
}

/** The shared client, fleet picture and event subscription. */
export function useFleet(): FleetContextValue {
  const value = useContext(FleetContext);
  if (!value) throw new Error('useFleet must be used inside <FleetProvider>');
  return value;
}
