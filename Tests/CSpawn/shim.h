// Starting a child process for the tests with posix_spawn, every descriptor of ours closed in
// the child (Foundation's Process on Linux lists /proc/self/fd to do that and crashed in it
// with many descriptors open, and hands the child a socket that descendants keep open).
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

// glibc 2.34 and 2.29 (GNU extensions, declared only under _GNU_SOURCE).
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *__restrict, const char *__restrict);
extern int pipe2(int pipefd[2], int flags);

// A pipe whose ends are closed on exec (a child gets only what it is handed). 0 or -1.
static inline int masthead_pipe(int ends[2]) { return pipe2(ends, O_CLOEXEC); }

// Starts `path` with `argv` and `envp`, standard input from /dev/null, standard output and
// error to `output` (or /dev/null if it is -1), in `directory` if not NULL. 0 or an errno.
static inline int masthead_spawn(
    pid_t *pid, const char *path, char *const argv[], char *const envp[], int output, const char *directory
) {
    posix_spawn_file_actions_t actions;
    int status = posix_spawn_file_actions_init(&actions);
    if (status != 0) return status;
    status = posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (status == 0) {
        status = output >= 0 ? posix_spawn_file_actions_adddup2(&actions, output, 1)
                             : posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    }
    if (status == 0) status = posix_spawn_file_actions_adddup2(&actions, 1, 2);
    if (status == 0) status = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
    if (status == 0 && directory != NULL) status = posix_spawn_file_actions_addchdir_np(&actions, directory);
    if (status == 0) status = posix_spawn(pid, path, &actions, NULL, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    return status;
}
