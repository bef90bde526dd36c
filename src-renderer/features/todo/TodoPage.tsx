import { ModuleInbox } from '../inbox/ModuleInbox';
import { AddTaskForm } from './AddTaskForm';
import { TaskList } from './TaskList';

export function TodoPage() {
  return (
    <>
      <h1>Todo</h1>
      <ModuleInbox module="todo" noun="task" />
      <section aria-labelledby="tasks-heading">
        <h2 id="tasks-heading">Tasks</h2>
        <AddTaskForm />
        <TaskList />
      </section>
    </>
  );
}
