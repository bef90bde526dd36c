import { useState } from 'react';
import { EVENTS } from '../../../src-shared/tools/modules';
import { deleteRecord } from '../../db/write';
import { formatDate, formatTime, localDay } from '../../lib/format';
import { useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { AgentBadge, RowActions } from '../../ui/RecordRow';
import { ModuleInbox } from '../inbox/ModuleInbox';
import { addDays, daysOf, eventsOn, useEvents, type CalendarEvent } from './data';
import { EventForm } from './EventForm';

type Mode = 'day' | 'week';

function EventItem({ event, onEdit }: { event: CalendarEvent; onEdit: () => void }) {
  const remove = useAction(() => deleteRecord(EVENTS.app, EVENTS.table, event.id));
  return (
    <li className="event" aria-label={`${event.title}, ${formatTime(event.startTime)} to ${formatTime(event.endTime)}`}>
      <span className="event-time">
        {formatTime(event.startTime)}–{formatTime(event.endTime)}
      </span>
      <span className="event-main">
        <span className="event-title">{event.title}</span>
        {event.location && <span className="muted small"> · {event.location}</span>}
        <AgentBadge createdBy={event.createdBy} />
        {event.description && <span className="muted small block prewrap">{event.description}</span>}
      </span>
      <RowActions onEdit={onEdit} onDelete={() => void remove.run()} deleting={remove.busy} />
      <ErrorText error={remove.error} />
    </li>
  );
}

export function CalendarPage() {
  const events = useEvents();
  const today = localDay(Date.now());
  const [mode, setMode] = useState<Mode>('week');
  const [anchor, setAnchor] = useState(today);
  const [editing, setEditing] = useState<{ event?: CalendarEvent; day: string } | null>(null);
  const days = daysOf(mode, anchor);
  const step = mode === 'day' ? 1 : 7;
  const range = mode === 'day' ? formatDate(anchor) : `${formatDate(days[0])} – ${formatDate(days.at(-1))}`;
  return (
    <>
      <h1>Calendar</h1>
      <ModuleInbox module="calendar" noun="calendar" />
      <section aria-labelledby="events-heading">
        <div className="title-row">
          <h2 id="events-heading">{range}</h2>
          <div className="actions">
            <div className="segmented" role="group" aria-label="View">
              <button type="button" aria-pressed={mode === 'day'} onClick={() => setMode('day')}>
                Day
              </button>
              <button type="button" aria-pressed={mode === 'week'} onClick={() => setMode('week')}>
                Week
              </button>
            </div>
            <button type="button" onClick={() => setAnchor(addDays(anchor, -step))} aria-label={mode === 'day' ? 'Previous day' : 'Previous week'}>
              ←
            </button>
            <button type="button" onClick={() => setAnchor(today)}>
              Today
            </button>
            <button type="button" onClick={() => setAnchor(addDays(anchor, step))} aria-label={mode === 'day' ? 'Next day' : 'Next week'}>
              →
            </button>
            <button type="button" className="primary" onClick={() => setEditing({ day: mode === 'day' ? anchor : today })}>
              New event
            </button>
          </div>
        </div>
        {editing && <EventForm key={editing.event?.id ?? 'new'} event={editing.event} day={editing.day} onDone={() => setEditing(null)} />}
        {!events ? (
          <p className="muted">Loading…</p>
        ) : (
          <ol className={`days days-${mode}`}>
            {days.map((day) => {
              const list = eventsOn(events, day);
              return (
                <li key={day} className={day === today ? 'day today' : 'day'} aria-label={formatDate(day)}>
                  <h3 className="day-head">
                    {formatDate(day)}
                    {day === today && <span className="badge">today</span>}
                  </h3>
                  {list.length === 0 ? (
                    <p className="muted small">No events.</p>
                  ) : (
                    <ul className="events">
                      {list.map((e) => (
                        <EventItem key={e.id} event={e} onEdit={() => setEditing({ event: e, day })} />
                      ))}
                    </ul>
                  )}
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </>
  );
}
