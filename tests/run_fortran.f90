! run_fortran - a plain Fortran MPI program (no BenchFS anything) that prints what it sees of
! MPI_COMM_WORLD, one line per check and rank. tests/run_fortran.sh runs it natively with M ranks
! and under `benchfs-run --servers N` with N+M ranks: the sorted outputs must be equal.
!
! One source, three programs: compiled with the C preprocessor (mpifort -cpp), it uses the `mpi`
! module (integer handles); with -DBFS_F08 the `mpi_f08` module (derived-type handles); with
! -DBFS_MPIFH the include file mpif.h (integer handles, no explicit interfaces). Their output
! lines begin with "f90", "f08" or "f77".
!
! usage: run_fortran [FILE]
!   FILE  also write FILE with MPI-IO (MPI_File_write_at_all, one block per rank), read it back
!         with MPI_File_read_at_all and verify; prints only a PASS line per rank, so a local path
!         and "benchfs:/..." compare
! Exit: 0, or 1 after a failed check (reported as "FAIL" on stdout).
program run_fortran
#if defined(BFS_F08)
   use mpi_f08
#elif !defined(BFS_MPIFH)
   use mpi
#endif
   implicit none
#if defined(BFS_F08)
   character(len=*), parameter :: variant = 'f08'
   type(MPI_Comm) :: half, dup
   type(MPI_File) :: fh
#else
#if defined(BFS_MPIFH)
   include 'mpif.h'
   character(len=*), parameter :: variant = 'f77'
#else
   character(len=*), parameter :: variant = 'f90'
#endif
   integer :: half, dup
   integer :: fh
#endif
   integer, parameter :: block = 1024 ! integers per rank in the MPI-IO file
   integer :: ierr, rank, size, failed, all_failed
   character(len=1024) :: path

   failed = 0
   call MPI_Init(ierr)
   call MPI_Comm_rank(MPI_COMM_WORLD, rank, ierr)
   call MPI_Comm_size(MPI_COMM_WORLD, size, ierr)
   call world()
   call collectives()
   call split()
   call attributes()
   if (command_argument_count() >= 1) then
      call get_command_argument(1, path)
      call mpiio(trim(path))
   end if
   flush (6)
   call MPI_Allreduce(failed, all_failed, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD, ierr)
   call MPI_Finalize(ierr)
   if (all_failed /= 0) stop 1

contains

   subroutine check(ok, what)
      logical, intent(in) :: ok
      character(len=*), intent(in) :: what

      if (.not. ok) then
         write (*, '(A,1X,A,I0,A,A)') variant, 'rank ', rank, ': FAIL ', what
         failed = 1
      end if
   end subroutine check

   ! size, rank and name of the world; a dup of it is congruent, the world is itself
   subroutine world()
      character(len=MPI_MAX_OBJECT_NAME) :: name
      integer :: nlen, same, congruent

      call MPI_Comm_get_name(MPI_COMM_WORLD, name, nlen, ierr)
      call MPI_Comm_compare(MPI_COMM_WORLD, MPI_COMM_WORLD, same, ierr)
      call MPI_Comm_dup(MPI_COMM_WORLD, dup, ierr)
      call MPI_Comm_compare(MPI_COMM_WORLD, dup, congruent, ierr)
      call check(same == MPI_IDENT, 'world compared with itself is not MPI_IDENT')
      call check(congruent == MPI_CONGRUENT, 'a dup of the world is not MPI_CONGRUENT')
      write (*, '(A,1X,A,I0,A,I0,A,A,A,L1,A,L1)') variant, 'rank ', rank, '/', size, &
         ': world name=', name(1:nlen), ' ident=', same == MPI_IDENT, &
         ' dup_congruent=', congruent == MPI_CONGRUENT
   end subroutine world

   ! reductions, broadcast and a ring exchange on MPI_COMM_WORLD
   subroutine collectives()
      integer :: sum, maxr, b, left, right, token, got

      call MPI_Allreduce(rank, sum, 1, MPI_INTEGER, MPI_SUM, MPI_COMM_WORLD, ierr)
      call MPI_Allreduce(rank, maxr, 1, MPI_INTEGER, MPI_MAX, MPI_COMM_WORLD, ierr)
      b = 0
      if (rank == size - 1) b = 4242
      call MPI_Bcast(b, 1, MPI_INTEGER, size - 1, MPI_COMM_WORLD, ierr)
      left = mod(rank + size - 1, size)
      right = mod(rank + 1, size)
      token = rank * 10
      got = -1
      call MPI_Sendrecv(token, 1, MPI_INTEGER, right, 7, got, 1, MPI_INTEGER, left, 7, &
                        MPI_COMM_WORLD, MPI_STATUS_IGNORE, ierr)
      call check(sum == size * (size - 1) / 2, 'allreduce sum')
      call check(maxr == size - 1, 'allreduce max')
      call check(got == left * 10, 'ring exchange')
      write (*, '(A,1X,A,I0,A,I0,A,I0,A,I0,A,I0)') variant, 'rank ', rank, &
         ': allreduce sum=', sum, ' max=', maxr, ' bcast=', b, ' ring=', got
      call MPI_Barrier(MPI_COMM_WORLD, ierr)
   end subroutine collectives

   ! the world split in odd and even ranks (reversed order)
   subroutine split()
      integer :: hrank, hsize, sum

      call MPI_Comm_split(MPI_COMM_WORLD, mod(rank, 2), -rank, half, ierr)
      call MPI_Comm_rank(half, hrank, ierr)
      call MPI_Comm_size(half, hsize, ierr)
      call MPI_Allreduce(rank, sum, 1, MPI_INTEGER, MPI_SUM, half, ierr)
      call check(hsize == (size + 1 - mod(rank, 2)) / 2, 'split size')
      write (*, '(A,1X,A,I0,A,I0,A,I0,A,I0,A,I0)') variant, 'rank ', rank, &
         ': split color=', mod(rank, 2), ' rank=', hrank, '/', hsize, ' sum=', sum
      call MPI_Comm_free(half, ierr)
   end subroutine split

   ! MPI_TAG_UB on the world and on its dup. Only the flag is compared on the dup: natively,
   ! Open MPI 4.1 gives Fortran the address of the copied C value there, not the value.
   subroutine attributes()
      integer(kind=MPI_ADDRESS_KIND) :: tagub, duptagub
      logical :: flag, dupflag

      tagub = -1
      duptagub = -1
      call MPI_Comm_get_attr(MPI_COMM_WORLD, MPI_TAG_UB, tagub, flag, ierr)
      call MPI_Comm_get_attr(dup, MPI_TAG_UB, duptagub, dupflag, ierr)
      call check(flag .and. tagub >= 32767, 'MPI_TAG_UB on the world')
      call check(dupflag .eqv. flag, 'MPI_TAG_UB: flag differs on a dup of the world')
      write (*, '(A,1X,A,I0,A,L1,A,I0,A,L1)') variant, 'rank ', rank, ': attr tag_ub flag=', &
         flag, ' value=', tagub, ' dup_flag=', dupflag
      call MPI_Comm_free(dup, ierr)
   end subroutine attributes

   ! collective write of one block per rank, collective read of the whole file, verify
   subroutine mpiio(file)
      character(len=*), intent(in) :: file
      integer :: out(block), whole(block * size), i, r, bad, rc
      integer(kind=MPI_OFFSET_KIND) :: fsize, offset

      do i = 1, block
         out(i) = rank * 100000 + i
      end do
      whole = -1
      fsize = -1
      bad = 0
      offset = int(rank, MPI_OFFSET_KIND) * block * 4
      call MPI_File_open(MPI_COMM_WORLD, file, MPI_MODE_CREATE + MPI_MODE_WRONLY, &
                         MPI_INFO_NULL, fh, rc)
      call check(rc == MPI_SUCCESS, 'MPI_File_open for writing')
      if (rc /= MPI_SUCCESS) return
      call MPI_File_write_at_all(fh, offset, out, block, MPI_INTEGER, MPI_STATUS_IGNORE, rc)
      call check(rc == MPI_SUCCESS, 'MPI_File_write_at_all')
      call MPI_File_close(fh, rc)
      call check(rc == MPI_SUCCESS, 'MPI_File_close after writing')
      call MPI_File_open(MPI_COMM_WORLD, file, MPI_MODE_RDONLY, MPI_INFO_NULL, fh, rc)
      call check(rc == MPI_SUCCESS, 'MPI_File_open for reading')
      if (rc /= MPI_SUCCESS) return
      call MPI_File_get_size(fh, fsize, ierr)
      call check(fsize == int(size, MPI_OFFSET_KIND) * block * 4, 'file size')
      call MPI_File_read_at_all(fh, 0_MPI_OFFSET_KIND, whole, block * size, MPI_INTEGER, &
                                MPI_STATUS_IGNORE, rc)
      call check(rc == MPI_SUCCESS, 'MPI_File_read_at_all')
      call MPI_File_close(fh, ierr)
      do r = 0, size - 1
         do i = 1, block
            if (whole(r * block + i) /= r * 100000 + i) bad = bad + 1
         end do
      end do
      call check(bad == 0, 'the data read back differs from the data written')
      call MPI_Barrier(MPI_COMM_WORLD, ierr)
      if (rank == 0) call MPI_File_delete(file, MPI_INFO_NULL, ierr)
      if (bad == 0 .and. rc == MPI_SUCCESS .and. fsize == int(size, MPI_OFFSET_KIND) * block * 4) &
         write (*, '(A,1X,A,I0,A)') variant, 'rank ', rank, ': mpiio PASS'
   end subroutine mpiio

end program run_fortran
