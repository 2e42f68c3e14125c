/*
 * run.h - benchfs-run's interposition library (libbenchfs-run.so): what the generated MPI
 * wrappers (wrappers.c, made by gen-wrappers.sh) share with the hand-written core (core.c) and
 * the Fortran entry points (fortran.c).
 */
#ifndef BFSR_RUN_H
#define BFSR_RUN_H

#include <mpi.h>

#define BFSR_HIDDEN __attribute__((visibility("hidden")))

/* the client communicator (the application's world) on client ranks, else MPI_COMM_NULL */
extern MPI_Comm bfsr_clients BFSR_HIDDEN;

/* MPI_COMM_WORLD as the application sees it: the clients */
#define BFSR_MAP(c) ((c) == MPI_COMM_WORLD && bfsr_clients != MPI_COMM_NULL ? bfsr_clients : (c))

/* is @keyval a predefined attribute of MPI_COMM_WORLD (MPI_TAG_UB, MPI_HOST, ...)? */
int bfsr_predefined(int keyval) BFSR_HIDDEN;

/* is @comm the client communicator or a duplicate of it (which natively inherit the predefined
 * attributes of the world)? */
int bfsr_world_like(MPI_Comm comm) BFSR_HIDDEN;

#endif
