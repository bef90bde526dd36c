import { useState } from 'react';
import { isDateTime } from '../../../src-shared/dates';
import { EVENTS } from '../../../src-shared/tools/modules';
import { writeRecord } from '../../db/write';
import { newId } from '../../lib/ids';
import { submitTo, useAction } from '../../lib/useAction';
import { ErrorText } from '../../ui/ErrorText';
import { toLocalInput, type CalendarEvent } from './data';

interface Props {
  event?: CalendarEvent;
  /** the day a new event starts on (YYYY-MM-DD) */
  day: string;
  onDone: () => void;
}

export function EventForm({ event, day, onDone }: Props) {
  const [title, setTitle] = useState(event?.title ?? '');
  const [start, setStart] = useState(event ? toLocalInput(event.startTime) : `${day}T09:00`);
  const [end, setEnd] = useState(event ? toLocalInput(event.endTime) : `${day}T10:00`);
  const [location, setLocation] = useState(event?.location ?? '');
  const [description, setDescription] = useState(event?.description ?? '');
  const save = useAction(async () => {
    // A day that does not exist (Feb 30) would roll over into the next month: refused instead.
    if (!isDateTime(start) || !isDateTime(end)) throw new Error('Pick a start and an end on days that exist.');
    const startTime = new Date(start);
    const endTime = new Date(end);
    if (Number.isNaN(startTime.getTime()) || Number.isNaN(endTime.getTime())) throw new Error('Pick a start and an end.');
    if (endTime <= startTime) throw new Error('The event must end after it starts.');
    const fields = {
      title: title.trim(),
      startTime: startTime.toISOString(),
      endTime: endTime.toISOString(),
      location: location.trim() || null,
      description: description.trim() || null,
    };
    if (event) await writeRecord(EVENTS.app, EVENTS.table, event.id, fields);
    else await writeRecord(EVENTS.app, EVENTS.table, newId(), { ...fields, createdAt: new Date().toISOString() }, 'insert');
    onDone();
  });
  return (
    <form className="event-form stack panel-inner" onSubmit={submitTo(save)} aria-label={event ? `Edit event ${event.title}` : 'New event'} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      <label>
        Title
        <input value={title} onChange={(e) => setTitle(e.target.value)} required maxLength={500} autoFocus />
      </label>
      <div className="row">
        <label>
          Start
          <input type="datetime-local" value={start} onChange={(e) => setStart(e.target.value)} required />
        </label>
        <label>
          End
          <input type="datetime-local" value={end} onChange={(e) => setEnd(e.target.value)} required />
        </label>
      </div>
      <label>
        Location
        <input value={location} onChange={(e) => setLocation(e.target.value)} maxLength={500} />
      </label>
      <label>
        Description
        <textarea value={description} onChange={(e) => setDescription(e.target.value)} rows={3} maxLength={10_000} />
      </label>
      <ErrorText error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.busy || !title.trim()}>
          {event ? 'Save event' : 'Add event'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
