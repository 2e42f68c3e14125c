/* romio_ompi.h - what ROMIO 4.0 needs from the host MPI and Open MPI 4.1 does not have.
 *
 * adio/build-romio.sh force-includes this header (gcc -include) into every file of the ROMIO
 * build, ahead of everything else, when the host MPI is Open MPI. ROMIO 4.0 is written against
 * MPICH's mpi.h; against Open MPI's it misses
 *   - names that MPI-3 removed and Open MPI 4.1 turns into static assertions (the *_INTEGER type
 *     combiners, MPI_LB, MPI_UB): Open MPI still has their values and objects, so map them;
 *   - MPI_ERRORS_ABORT (MPI 4.0);
 *   - MPICH's extended generalized requests MPIX_Grequest_* (implemented in romio_ompi.c), and
 *     the PMPIX_ names ROMIO's profiling renames turn them into;
 *   - MPIR_Get_node_id, an MPICH internal used by ROMIO's file-system-aware communicator split.
 * It also hooks ROMIO's per-call critical section (ROMIO_THREAD_CS_ENTER/EXIT, empty in a
 * standalone ROMIO; our ROMIO patch lets us define them) to learn when an MPI-IO call is running:
 * romio_ompi.c never runs a request's poll function inside an MPI-IO call.
 *
 * Definitions that must come before mpi.h itself (MPI_File is ROMIO's struct ADIOI_FileD) or that
 * replace configure checks are on the compiler command line; see CPPFLAGS in build-romio.sh.
 * With another host MPI the header only includes mpi.h. */
#ifndef BENCHFS_ROMIO_OMPI_H
#define BENCHFS_ROMIO_OMPI_H

#include <mpi.h>

#ifdef OPEN_MPI

#undef MPI_COMBINER_HVECTOR_INTEGER
#undef MPI_COMBINER_HINDEXED_INTEGER
#undef MPI_COMBINER_STRUCT_INTEGER
#define MPI_COMBINER_HVECTOR_INTEGER  OMPI_WAS_MPI_COMBINER_HVECTOR_INTEGER
#define MPI_COMBINER_HINDEXED_INTEGER OMPI_WAS_MPI_COMBINER_HINDEXED_INTEGER
#define MPI_COMBINER_STRUCT_INTEGER   OMPI_WAS_MPI_COMBINER_STRUCT_INTEGER

/* libmpi still exports the two marker datatypes; ROMIO only compares handles with them. */
extern struct ompi_predefined_datatype_t ompi_mpi_lb;
extern struct ompi_predefined_datatype_t ompi_mpi_ub;
#undef MPI_LB
#undef MPI_UB
#define MPI_LB ((MPI_Datatype)(void *)&ompi_mpi_lb)
#define MPI_UB ((MPI_Datatype)(void *)&ompi_mpi_ub)

#ifndef MPI_ERRORS_ABORT
#define MPI_ERRORS_ABORT MPI_ERRORS_ARE_FATAL
#endif

/* ---- extended generalized requests (as in MPICH's mpi.h) ---------------------------------
 * MPIX_Grequest_start is MPI_Grequest_start plus a poll function, called repeatedly until it has
 * completed the request with MPI_Grequest_complete, and a wait function (blocks on several
 * requests' states at once). On Open MPI the poll functions of live requests are called from
 * Open MPI's progress engine, i.e. from any MPI call that makes progress (MPI_Wait, MPI_Test,
 * ...) made outside an MPI-IO call; details and rules in romio_ompi.c. A class bundles the five
 * functions once; MPIX_Grequest_class_allocate starts a request of a class. */
typedef int MPIX_Grequest_poll_function(void *extra_state, MPI_Status *status);
typedef int MPIX_Grequest_wait_function(int count, void **array_of_states, double timeout,
                                        MPI_Status *status);
typedef int MPIX_Grequest_class;

int MPIX_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn,
                        MPI_Grequest_cancel_function *cancel_fn,
                        MPIX_Grequest_poll_function *poll_fn, MPIX_Grequest_wait_function *wait_fn,
                        void *extra_state, MPI_Request *request);
int PMPIX_Grequest_start(MPI_Grequest_query_function *query_fn, MPI_Grequest_free_function *free_fn,
                         MPI_Grequest_cancel_function *cancel_fn,
                         MPIX_Grequest_poll_function *poll_fn, MPIX_Grequest_wait_function *wait_fn,
                         void *extra_state, MPI_Request *request);
int MPIX_Grequest_class_create(MPI_Grequest_query_function *query_fn,
                               MPI_Grequest_free_function *free_fn,
                               MPI_Grequest_cancel_function *cancel_fn,
                               MPIX_Grequest_poll_function *poll_fn,
                               MPIX_Grequest_wait_function *wait_fn,
                               MPIX_Grequest_class *greq_class);
int PMPIX_Grequest_class_create(MPI_Grequest_query_function *query_fn,
                                MPI_Grequest_free_function *free_fn,
                                MPI_Grequest_cancel_function *cancel_fn,
                                MPIX_Grequest_poll_function *poll_fn,
                                MPIX_Grequest_wait_function *wait_fn,
                                MPIX_Grequest_class *greq_class);
int MPIX_Grequest_class_allocate(MPIX_Grequest_class greq_class, void *extra_state,
                                 MPI_Request *request);
int PMPIX_Grequest_class_allocate(MPIX_Grequest_class greq_class, void *extra_state,
                                  MPI_Request *request);

/* Node id of `rank` of `comm` for MPIX_Comm_split_filesystem's heuristic: ranks that share a
 * node get the same id (the lowest rank of comm on that node). Collective over comm when rank
 * is the caller's own rank (the only use in ROMIO); any other rank is its own id. */
__attribute__((visibility("hidden"))) int MPIR_Get_node_id(MPI_Comm comm, int rank, int *id);

/* Entry to and exit from every MPI-IO call (they nest). */
__attribute__((visibility("hidden"))) void benchfs_romio_call_enter(void);
__attribute__((visibility("hidden"))) void benchfs_romio_call_exit(void);
#define ROMIO_THREAD_CS_ENTER() benchfs_romio_call_enter()
#define ROMIO_THREAD_CS_EXIT()  benchfs_romio_call_exit()

#endif /* OPEN_MPI */
#endif /* BENCHFS_ROMIO_OMPI_H */
