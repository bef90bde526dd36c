/** Today's token use per agent (the engine's ledger), refreshed when a tick ends. */
import { useEffect, useState } from 'react';
import type { MethodOutput } from '../../../src-shared/api';
import { api } from '../../api/client';

type Usage = MethodOutput<'agents.usage'>;

export function useAgentUsage(): Usage | null {
  const [usage, setUsage] = useState<Usage | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      api()
        .call('agents.usage')
        .then((u) => live && setUsage(u))
        .catch(() => {
          // usage is informative; the page works without it
        });
    load();
    const offTick = api().on('runner.tick', load);
    const offChanged = api().on('proposals.created', load);
    return () => {
      live = false;
      offTick();
      offChanged();
    };
  }, []);
  return usage;
}
