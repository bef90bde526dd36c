import { ProposalInbox } from '../inbox/ProposalInbox';
import { AddTaskForm } from './AddTaskForm';
import { TaskList } from './TaskList';

export function TodoPage() {
  return (
    <>
      <h1>Todo</h1>
      <ProposalInbox module="todo" title="Proposed changes" />
      <section aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Tasks</h2>
        <AddTaskForm />
        <TaskList />
      </section>
    </>
  );
}
